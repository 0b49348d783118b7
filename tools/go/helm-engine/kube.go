// One Kubernetes client configuration and one discovery cache for the whole process: every
// release's helm configuration borrows them, with the release's namespace as its default.
// The discovery cache is dropped after a release that brings CustomResourceDefinitions and before
// each wave of release operations (beginRelease), so a release sees the APIs as a helm process
// started then would.
package main

import (
	"sync"

	"helm.sh/helm/v3/pkg/chartutil"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

type sharedKube struct {
	kubeconfig string
	once       sync.Once
	err        error
	loader     clientcmd.ClientConfig
	config     *rest.Config
	discovery  discovery.CachedDiscoveryInterface
	mapper     *restmapper.DeferredDiscoveryRESTMapper

	capsMu sync.Mutex
	caps   *chartutil.Capabilities

	opsMu    sync.Mutex
	inflight int
}

// beginRelease: a release operation starts. When none is in flight, what discovery knew is
// dropped first: the operations in flight together belong to one wave of the deploy (the plan puts
// a release after those that define its kinds, with a readiness gate between), and between waves
// new kinds appear that no chart brought as a CRD (Gatekeeper makes one per ConstraintTemplate).
// A helm process per release read discovery afresh each time; this reads it once per wave.
func (k *sharedKube) beginRelease() (done func()) {
	k.opsMu.Lock()
	if k.inflight == 0 {
		k.invalidate()
	}
	k.inflight++
	k.opsMu.Unlock()
	return func() {
		k.opsMu.Lock()
		k.inflight--
		k.opsMu.Unlock()
	}
}

func (k *sharedKube) init() error {
	k.once.Do(func() {
		// helm's rules: --kubeconfig when given, else KUBECONFIG (a list too), else ~/.kube/config.
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		if k.kubeconfig != "" {
			rules.ExplicitPath = k.kubeconfig
		}
		k.loader = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{})
		cfg, err := k.loader.ClientConfig()
		if err != nil {
			k.err = err
			return
		}
		// Many releases share this client at once: client-go's default of 5 requests a second
		// would make them queue behind each other.
		cfg.QPS = 100
		cfg.Burst = 200
		k.config = cfg
		dc, err := discovery.NewDiscoveryClientForConfig(cfg)
		if err != nil {
			k.err = err
			return
		}
		k.discovery = memory.NewMemCacheClient(dc)
		k.mapper = restmapper.NewDeferredDiscoveryRESTMapper(k.discovery)
	})
	return k.err
}

// invalidate forgets what discovery knew (after new CRDs).
func (k *sharedKube) invalidate() {
	if k.discovery == nil {
		return
	}
	k.capsMu.Lock()
	k.caps = nil
	k.capsMu.Unlock()
	k.discovery.Invalidate()
	k.mapper.Reset()
}

// getter is the RESTClientGetter a release's helm configuration uses: shared clients, own namespace.
type getter struct {
	k         *sharedKube
	namespace string
}

func (g getter) ToRESTConfig() (*rest.Config, error) { return rest.CopyConfig(g.k.config), nil }
func (g getter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	return g.k.discovery, nil
}
func (g getter) ToRESTMapper() (meta.RESTMapper, error) {
	return restmapper.NewShortcutExpander(g.k.mapper, g.k.discovery, nil), nil
}
func (g getter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	return namespaced{base: g.k.loader, namespace: g.namespace}
}

type namespaced struct {
	base      clientcmd.ClientConfig
	namespace string
}

func (n namespaced) RawConfig() (clientcmdapi.Config, error) { return n.base.RawConfig() }
func (n namespaced) ClientConfig() (*rest.Config, error)     { return n.base.ClientConfig() }
func (n namespaced) ConfigAccess() clientcmd.ConfigAccess    { return n.base.ConfigAccess() }

func (n namespaced) Namespace() (string, bool, error) {
	if n.namespace == "" {
		return n.base.Namespace()
	}
	return n.namespace, true, nil
}
