using Microsoft.Extensions.Logging;

namespace TradingAgents.Actors.Discovery.Kubernetes;

public sealed partial class EndpointSliceWatcher
{
    private static partial class Log
    {
        [LoggerMessage(1200, LogLevel.Information, "Listing EndpointSlices in namespace '{Namespace}'", EventName = "Listing")]
        public static partial void Listing(ILogger logger, string @namespace);

        [LoggerMessage(1201, LogLevel.Information, "Listed {Count} EndpointSlice(s) in namespace '{Namespace}' at resourceVersion {ResourceVersion}; {Services} service(s) published", EventName = "Listed")]
        public static partial void Listed(ILogger logger, int count, string @namespace, string resourceVersion, int services);

        [LoggerMessage(1202, LogLevel.Debug, "Watching EndpointSlices in namespace '{Namespace}' from resourceVersion {ResourceVersion}", EventName = "Watching")]
        public static partial void Watching(ILogger logger, string @namespace, string? resourceVersion);

        [LoggerMessage(1203, LogLevel.Debug, "The API server closed the watch after {Events} event(s); resuming from resourceVersion {ResourceVersion}", EventName = "WatchClosed")]
        public static partial void WatchClosed(ILogger logger, int events, string? resourceVersion);

        [LoggerMessage(1204, LogLevel.Information, "resourceVersion {ResourceVersion} has expired (410); listing again", EventName = "Expired")]
        public static partial void Expired(ILogger logger, string? resourceVersion);

        [LoggerMessage(1205, LogLevel.Warning, "No watch event or end for {Silence}; the watchdog cancelled the watch and reconnects from resourceVersion {ResourceVersion}", EventName = "WatchdogFired")]
        public static partial void WatchdogFired(ILogger logger, TimeSpan silence, string? resourceVersion);

        [LoggerMessage(1206, LogLevel.Error, "The Kubernetes API rejected the watcher's credentials (HTTP {StatusCode}). In a pod, the service account needs get/list/watch on discovery.k8s.io endpointslices in namespace '{Namespace}' (k8s/base/rbac.yaml); outside, check the kubeconfig. Retrying with backoff; configured endpoints are still served", EventName = "CredentialsRejected")]
        public static partial void CredentialsRejected(ILogger logger, int statusCode, string @namespace);

        [LoggerMessage(1207, LogLevel.Warning, "EndpointSlice watch failed ({Reason}): {Message}. Serving the last known endpoints, last synced {Age} ago", EventName = "WatchFailed")]
        public static partial void WatchFailed(ILogger logger, string reason, string message, TimeSpan? age);

        [LoggerMessage(1208, LogLevel.Debug, "Reconnecting to the Kubernetes API in {Delay} (attempt {Attempt})", EventName = "Reconnecting")]
        public static partial void Reconnecting(ILogger logger, TimeSpan delay, int attempt);

        [LoggerMessage(1209, LogLevel.Information, "EndpointSlice watch recovered after {Failures} failure(s); endpoints were {Age} old", EventName = "Recovered")]
        public static partial void Recovered(ILogger logger, int failures, TimeSpan? age);

        [LoggerMessage(1210, LogLevel.Warning, "Skipped a broken EndpointSlice ({Reason}): {Detail}", EventName = "Rejected")]
        public static partial void Rejected(ILogger logger, string reason, string detail);

        [LoggerMessage(1211, LogLevel.Warning, "Skipped a malformed watch line: {Message}", EventName = "MalformedLine")]
        public static partial void MalformedLine(ILogger logger, string message);

        [LoggerMessage(1212, LogLevel.Warning, "The watch reported an error: {Message}", EventName = "ErrorEvent")]
        public static partial void ErrorEvent(ILogger logger, string message);

        [LoggerMessage(1213, LogLevel.Warning, "Delivering the endpoints of {Service} at version {Version} failed; retrying in {Delay}", EventName = "PublishFailed")]
        public static partial void PublishFailed(ILogger logger, Exception exception, string service, long version, TimeSpan delay);

        [LoggerMessage(1214, LogLevel.Debug, "{EventType} EndpointSlice '{Name}' at resourceVersion {ResourceVersion}", EventName = "SliceEvent")]
        public static partial void SliceEvent(ILogger logger, string eventType, string? name, string? resourceVersion);

        [LoggerMessage(1215, LogLevel.Debug, "Ignored Kubernetes service '{KubernetesService}': not configured and restrict_to_configured is set, or its name belongs to another configured service", EventName = "Ignored")]
        public static partial void Ignored(ILogger logger, string kubernetesService);

        [LoggerMessage(1216, LogLevel.Warning, "EndpointSlice watch event at resourceVersion {Version} after {Highest}: the API server's versions went back (etcd restore or rebuilt cluster); listing again", EventName = "VersionsWentBack")]
        public static partial void VersionsWentBack(ILogger logger, long version, long highest);

        [LoggerMessage(1217, LogLevel.Warning, "EndpointSlice list generation {Before} -> {After}: resourceVersions went back from {Highest} to {Listed}; the list replaces the endpoints the grains hold", EventName = "GenerationChanged")]
        public static partial void GenerationChanged(ILogger logger, long before, long after, long? highest, long listed);

        [LoggerMessage(1218, LogLevel.Warning, "The API server has not reached resourceVersion {ResourceVersion} ({Message}); listing again", EventName = "VersionAhead")]
        public static partial void VersionAhead(ILogger logger, string? resourceVersion, string message);

        [LoggerMessage(1219, LogLevel.Warning, "{Failures} watches in a row from resourceVersion {ResourceVersion} failed; listing again instead of resuming", EventName = "RelistAfterWatchFailures")]
        public static partial void RelistAfterWatchFailures(ILogger logger, int failures, string? resourceVersion);

        [LoggerMessage(1220, LogLevel.Warning, "The version of {Lists} list(s) in a row was rejected (expired or too large) before any watch event; listing again in {Delay}", EventName = "RelistDelayed")]
        public static partial void RelistDelayed(ILogger logger, int lists, TimeSpan delay);

        [LoggerMessage(1221, LogLevel.Warning, "Service {Service}: {Problem}", EventName = "PortMismatch")]
        public static partial void PortMismatch(ILogger logger, string service, string problem);

        [LoggerMessage(1222, LogLevel.Debug, "The endpoints of {Service} at generation {Generation} version {Version} were not newer than the set held; its sync time is not moved", EventName = "StaleSet")]
        public static partial void StaleSet(ILogger logger, string service, long generation, long version);
    }
}
