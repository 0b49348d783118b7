// Releases through the helm SDK, as the pinned helm CLI does them (cmd/helm/upgrade.go and friends
// at the pinned version): upgrade --install, rollback, uninstall, list and the stored manifest.
// They stay ordinary helm releases (Secrets of type helm.sh/release.v1), so `helm list -A`,
// `helm history` and `helm rollback` keep working on them.
package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pkg/errors"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/kube"
	"helm.sh/helm/v3/pkg/postrender"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	"k8s.io/client-go/discovery"
)

type engine struct {
	asker       *asker
	kube        *sharedKube
	charts      *chartCache
	renders     atomic.Int64
	renderNanos atomic.Int64
}

func newEngine(kubeconfig string, a *asker) *engine {
	return &engine{asker: a, kube: &sharedKube{kubeconfig: kubeconfig}, charts: newChartCache()}
}

// postRenderer: the core as helm's post-renderer when the request asks for one.
func (e *engine) postRenderer(req request) postrender.PostRenderer {
	if !req.PostRender {
		return nil
	}
	return corePostRenderer{asker: e.asker, request: req.ID, release: req.Name}
}

// stopping is cancelled when the core stops what is in flight (its second Ctrl-C, sent to us as
// SIGTERM): an install or upgrade in flight then ends the way helm's CLI ends on a signal, its
// release marked failed, and one started later fails at once.
var stopping, stopReleases = context.WithCancel(context.Background())

// historyMax is what runlevel always passed to helm (--history-max 10, helm's own default too).
const historyMax = 10

func quiet(string, ...interface{}) {}

// config: a helm configuration for one operation in one namespace, on the shared clients.
func (e *engine) config(namespace string) (*action.Configuration, error) {
	if err := e.kube.init(); err != nil {
		return nil, err
	}
	cfg := new(action.Configuration)
	if err := cfg.Init(getter{k: e.kube, namespace: namespace}, namespace, "secret", quiet); err != nil {
		return nil, err
	}
	if kc, ok := cfg.KubeClient.(*kube.Client); ok {
		kc.Namespace = namespace
	}
	caps, err := e.capabilities()
	if err != nil {
		return nil, err
	}
	cfg.Capabilities = caps
	return cfg, nil
}

// capabilities: what helm reads from the cluster before each install, read once and kept until
// new CRDs arrive (see sharedKube.invalidate).
func (e *engine) capabilities() (*chartutil.Capabilities, error) {
	k := e.kube
	k.capsMu.Lock()
	defer k.capsMu.Unlock()
	if k.caps != nil {
		return k.caps, nil
	}
	v, err := k.discovery.ServerVersion()
	if err != nil {
		return nil, errors.Wrap(err, "could not get server version from Kubernetes")
	}
	apis, err := action.GetVersionSet(k.discovery)
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, errors.Wrap(err, "could not get apiVersions from Kubernetes")
	}
	k.caps = &chartutil.Capabilities{
		APIVersions: apis,
		KubeVersion: chartutil.KubeVersion{Version: v.GitVersion, Major: v.Major, Minor: v.Minor},
		HelmVersion: chartutil.DefaultCapabilities.HelmVersion,
	}
	return k.caps, nil
}

func timeoutOf(req request) time.Duration {
	if req.TimeoutSeconds > 0 {
		return time.Duration(req.TimeoutSeconds) * time.Second
	}
	return 300 * time.Second
}

func (e *engine) upgrade(req request) (int, error) {
	if err := e.kube.init(); err != nil {
		return 0, err
	}
	defer e.kube.beginRelease()()
	cfg, err := e.config(req.Namespace)
	if err != nil {
		return 0, err
	}
	vals, err := readValues(req.Values)
	if err != nil {
		return 0, err
	}
	post := e.postRenderer(req)
	hist := action.NewHistory(cfg)
	hist.Max = 1
	versions, err := hist.Run(req.Name)
	uninstalled := len(versions) > 0 && versions[len(versions)-1].Info.Status == release.StatusUninstalled
	if err == driver.ErrReleaseNotFound || uninstalled {
		ch, err := e.loadChecked(req.Chart)
		if err != nil {
			return 0, err
		}
		inst := action.NewInstall(cfg)
		inst.CreateNamespace = true
		inst.DryRunOption = "none"
		inst.Namespace = req.Namespace
		inst.ReleaseName = req.Name
		inst.Timeout = timeoutOf(req)
		inst.DisableOpenAPIValidation = true
		inst.Replace = uninstalled
		if post != nil {
			inst.PostRenderer = post
		}
		rel, err := e.whileKindsAppear(func() (*release.Release, error) { return inst.RunWithContext(stopping, ch, vals) })
		e.afterRelease(ch, rel)
		if err != nil {
			return 0, err
		}
		return rel.Version, nil
	} else if err != nil {
		return 0, err
	}
	ch, err := e.loadChecked(req.Chart)
	if err != nil {
		return 0, err
	}
	up := action.NewUpgrade(cfg)
	up.Namespace = req.Namespace
	up.Install = true
	up.DryRunOption = "none"
	up.MaxHistory = historyMax
	up.Timeout = timeoutOf(req)
	up.DisableOpenAPIValidation = true
	if post != nil {
		up.PostRenderer = post
	}
	rel, err := e.whileKindsAppear(func() (*release.Release, error) { return up.RunWithContext(stopping, req.Name, ch, vals) })
	e.afterRelease(ch, rel)
	if err != nil {
		return 0, errors.Wrap(err, "UPGRADE FAILED")
	}
	return rel.Version, nil
}

// whileKindsAppear runs an install or upgrade again while helm cannot map a kind of the manifest:
// a kind just made by a controller (Gatekeeper's constraint CRD, Established) reaches the API
// server's discovery a moment later, and a helm process per release hid that moment behind its
// start-up. helm maps every object before it writes anything, so a retry repeats no write. Bounded:
// past ~30 s the kind is really missing and helm's own error stands.
func (e *engine) whileKindsAppear(run func() (*release.Release, error)) (*release.Release, error) {
	deadline := time.Now().Add(30 * time.Second)
	for wait := 250 * time.Millisecond; ; wait *= 2 {
		rel, err := run()
		if err == nil || !strings.Contains(err.Error(), "no matches for kind") || time.Now().After(deadline) || stopping.Err() != nil {
			return rel, err
		}
		time.Sleep(wait)
		e.kube.invalidate()
	}
}

// afterRelease drops the discovery cache when the release brought CRDs (crds/ or templates).
func (e *engine) afterRelease(ch *chart.Chart, rel *release.Release) {
	crds := len(ch.CRDObjects()) > 0
	if rel != nil && strings.Contains(rel.Manifest, "kind: CustomResourceDefinition") {
		crds = true
	}
	if crds {
		e.kube.invalidate()
	}
}

func (e *engine) rollback(req request) error {
	return e.changeRelease(req.Namespace, func(cfg *action.Configuration) error {
		rb := action.NewRollback(cfg)
		rb.Version = req.Revision
		rb.MaxHistory = historyMax
		rb.Timeout = timeoutOf(req)
		return rb.Run(req.Name)
	})
}

func (e *engine) uninstall(req request) error {
	return e.changeRelease(req.Namespace, func(cfg *action.Configuration) error {
		un := action.NewUninstall(cfg)
		un.IgnoreNotFound = true
		un.Timeout = timeoutOf(req)
		_, err := un.Run(req.Name)
		return err
	})
}

// changeRelease runs one helm action that changes the cluster: the shared client is made ready, the
// action joins the wave of release operations in flight (beginRelease), and the discovery cache is
// dropped afterwards, since the action may have added or removed kinds.
func (e *engine) changeRelease(namespace string, act func(*action.Configuration) error) error {
	if err := e.kube.init(); err != nil {
		return err
	}
	defer e.kube.beginRelease()()
	cfg, err := e.config(namespace)
	if err != nil {
		return err
	}
	err = act(cfg)
	e.kube.invalidate()
	return err
}

// listedRel is one row of `helm list --output json`.
type listedRel struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Revision  int    `json:"revision"`
	Status    string `json:"status"`
	Chart     string `json:"chart"`
}

func (e *engine) list() ([]listedRel, error) {
	cfg, err := e.config("")
	if err != nil {
		return nil, err
	}
	l := action.NewList(cfg)
	l.AllNamespaces = true
	l.All = true
	l.SetStateMask()
	rels, err := l.Run()
	if err != nil {
		return nil, err
	}
	out := make([]listedRel, 0, len(rels))
	for _, r := range rels {
		chartName := "MISSING"
		if r.Chart != nil && r.Chart.Metadata != nil {
			chartName = fmt.Sprintf("%s-%s", r.Chart.Name(), r.Chart.Metadata.Version)
		}
		out = append(out, listedRel{
			Name: r.Name, Namespace: r.Namespace, Revision: r.Version,
			Status: r.Info.Status.String(), Chart: chartName,
		})
	}
	return out, nil
}

// getManifest: the stored manifest and its hooks, as `helm get all --template` printed them for
// runlevel before (hooks are stored apart from the manifest).
func (e *engine) getManifest(req request) (string, bool, error) {
	cfg, err := e.config(req.Namespace)
	if err != nil {
		return "", false, err
	}
	rel, err := action.NewGet(cfg).Run(req.Name)
	if errors.Is(err, driver.ErrReleaseNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	var b strings.Builder
	b.WriteString(rel.Manifest)
	for _, h := range rel.Hooks {
		b.WriteString("\n---\n# Source: " + h.Path + "\n" + h.Manifest + "\n")
	}
	return b.String(), true, nil
}

func (e *engine) stats() *engineStats {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	return &engineStats{
		Renders:     e.renders.Load(),
		RenderSecs:  float64(e.renderNanos.Load()) / 1e9,
		CPUSecs:     cpu,
		MaxRSSBytes: ru.Maxrss * 1024,
		Charts:      e.charts.size(),
	}
}
