using k8s.Models;
using TradingAgents.Actors.Discovery.Kubernetes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.Discovery.Kubernetes;

public sealed class EndpointSliceStoreTests
{
    [Fact]
    public void Upsert_NewSlice_ReturnsItsService()
    {
        var store = new EndpointSliceStore();

        Assert.Equal(["svc"], store.Upsert(Create("a", "svc", [Endpoint("10.0.0.1")])));
        Assert.Single(store.GetSlices("svc"));
    }

    [Fact]
    public void Upsert_LabelChanged_ReturnsBothServicesAndMovesTheSlice()
    {
        var store = new EndpointSliceStore();
        store.Upsert(Create("a", "old", [Endpoint("10.0.0.1")]));

        Assert.Equal(["old", "new"], store.Upsert(Create("a", "new", [Endpoint("10.0.0.1")])));
        Assert.Empty(store.GetSlices("old"));
        Assert.Single(store.GetSlices("new"));
        Assert.Equal(["new"], store.Services);
    }

    [Fact]
    public void Remove_UnknownSlice_ReturnsNull() => Assert.Null(new EndpointSliceStore().Remove(Namespace, "nope"));

    [Fact]
    public void ReplaceAll_ReturnsServicesThatHadOrHaveSlices()
    {
        var store = new EndpointSliceStore();
        store.Upsert(Create("a", "gone", [Endpoint("10.0.0.1")]));
        store.Upsert(Create("b", "kept", [Endpoint("10.0.0.2")]));

        var affected = store.ReplaceAll(new V1EndpointSlice[] { Create("b", "kept", [Endpoint("10.0.0.2")]), Create("c", "new", [Endpoint("10.0.0.3")]) });

        Assert.Equal(["gone", "kept", "new"], affected.Order(StringComparer.Ordinal));
        Assert.Equal(2, store.Count);
        Assert.Empty(store.GetSlices("gone"));
    }

    [Fact]
    public void Keys_SameNameInTwoNamespaces_AreDistinct()
    {
        var store = new EndpointSliceStore();
        store.Upsert(Create("a", "svc", [Endpoint("10.0.0.1")], @namespace: "one"));
        store.Upsert(Create("a", "svc", [Endpoint("10.0.0.2")], @namespace: "two"));

        Assert.Equal(2, store.GetSlices("svc").Count);
        Assert.Equal("svc", store.Remove("one", "a"));
        Assert.Single(store.GetSlices("svc"));
    }
}
