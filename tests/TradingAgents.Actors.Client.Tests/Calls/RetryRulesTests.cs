using System.Net;
using Polly;
using Polly.Timeout;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Tests.Calls;

public sealed class RetryRulesTests
{
    public static TheoryData<string, bool> Methods => new()
    {
        { "GET", true }, { "HEAD", true }, { "PUT", true }, { "DELETE", true }, { "OPTIONS", true }, { "TRACE", true },
        { "POST", false }, { "PATCH", false },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void IsIdempotent_Method_FollowsRfc9110(string method, bool expected) =>
        Assert.Equal(expected, RetryRules.IsIdempotent(new HttpMethod(method)));

    [Theory]
    [InlineData("GET", 500, true)]
    [InlineData("GET", 503, true)]
    [InlineData("GET", 499, false)]
    [InlineData("GET", 404, false)]
    [InlineData("GET", 200, false)]
    [InlineData("POST", 503, false)]
    [InlineData("PATCH", 500, false)]
    public void ShouldRetry_Response_OnlyServerErrorsOfIdempotentMethods(string method, int status, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        Assert.Equal(expected, RetryRules.ShouldRetry(Outcome.FromResult(response), new HttpMethod(method)));
    }

    [Theory]
    [InlineData("POST", HttpRequestError.ConnectionError, true)]
    [InlineData("PATCH", HttpRequestError.NameResolutionError, true)]
    [InlineData("POST", HttpRequestError.ResponseEnded, false)]
    [InlineData("GET", HttpRequestError.ResponseEnded, true)]
    [InlineData("GET", HttpRequestError.ConnectionError, true)]
    public void ShouldRetry_TransportError_AlwaysWhenNeverSentElseOnlyIdempotent(string method, HttpRequestError error, bool expected)
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(error, "boom"));

        Assert.Equal(expected, RetryRules.ShouldRetry(outcome, new HttpMethod(method)));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("POST", false)]
    public void ShouldRetry_Timeout_OnlyIdempotent(string method, bool expected)
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException("late", TimeSpan.FromSeconds(1)));

        Assert.Equal(expected, RetryRules.ShouldRetry(outcome, new HttpMethod(method)));
    }

    [Theory]
    [InlineData(SelectionStatus.UnknownService)]
    [InlineData(SelectionStatus.NoEndpoints)]
    [InlineData(SelectionStatus.NoneSelectable)]
    public void ShouldRetry_SelectionFailure_Never(SelectionStatus status)
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new ServiceUnavailableException("s", status, "why"));

        Assert.False(RetryRules.ShouldRetry(outcome, HttpMethod.Get));
    }

    [Fact]
    public void ShouldRetry_CallerCancellation_Never()
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(new OperationCanceledException());

        Assert.False(RetryRules.ShouldRetry(outcome, HttpMethod.Get));
    }
}
