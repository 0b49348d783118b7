// `helm template` inside the engine: the same SDK calls and the same output bytes as helm's CLI
// (cmd/helm/template.go at the pinned version), with each chart read from disk once.
package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pkg/errors"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"
)

// readValues parses the values exactly as `helm --values -` does (sigs.k8s.io/yaml; JSON is YAML).
func readValues(raw []byte) (map[string]interface{}, error) {
	current := map[string]interface{}{}
	if len(raw) == 0 {
		return current, nil
	}
	if err := yaml.Unmarshal(raw, &current); err != nil {
		return nil, errors.Wrap(err, "failed to parse -")
	}
	return mergeMaps(map[string]interface{}{}, current), nil
}

// mergeMaps is helm's (pkg/cli/values): the values map helm hands the install action.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v, ok := v.(map[string]interface{}); ok {
			if bv, ok := out[k]; ok {
				if bv, ok := bv.(map[string]interface{}); ok {
					out[k] = mergeMaps(bv, v)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

// loadChecked is runInstall's chart half: load, installable, dependencies present.
func (e *engine) loadChecked(dir string) (*chart.Chart, error) {
	ch, err := e.charts.load(dir)
	if err != nil {
		return nil, err
	}
	switch ch.Metadata.Type {
	case "", "application":
	default:
		return nil, errors.Errorf("%s charts are not installable", ch.Metadata.Type)
	}
	if req := ch.Metadata.Dependencies; req != nil {
		if err := action.CheckDependencies(ch, req); err != nil {
			return nil, errors.Wrap(err, "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies")
		}
	}
	return ch, nil
}

func (e *engine) template(req request) (string, error) {
	vals, err := readValues(req.Values)
	if err != nil {
		return "", err
	}
	ch, err := e.loadChecked(req.Chart)
	if err != nil {
		return "", err
	}
	// A configuration of its own: a client-only install replaces its capabilities, kube client
	// and release store, so two renders must never share one.
	client := action.NewInstall(&action.Configuration{Log: func(string, ...interface{}) {}})
	client.DryRunOption = "true"
	client.DryRun = true
	client.ReleaseName = req.Name
	client.Replace = true
	client.ClientOnly = true
	client.APIVersions = chartutil.VersionSet(req.APIVersions)
	client.IncludeCRDs = false
	client.Namespace = req.Namespace
	// helm template --post-renderer: the same hand-off as an upgrade's (postrender.go).
	if post := e.postRenderer(req); post != nil {
		client.PostRenderer = post
	}
	if req.KubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(req.KubeVersion)
		if err != nil {
			return "", fmt.Errorf("invalid kube version '%s': %s", req.KubeVersion, err)
		}
		client.KubeVersion = kv
	}
	start := time.Now()
	rel, err := client.RunWithContext(context.Background(), ch, vals)
	e.renderNanos.Add(time.Since(start).Nanoseconds())
	e.renders.Add(1)
	if err != nil {
		if rel != nil {
			return "", fmt.Errorf("%w\n\nUse --debug flag to render out invalid YAML", err)
		}
		return "", err
	}
	var manifests bytes.Buffer
	fmt.Fprintln(&manifests, strings.TrimSpace(rel.Manifest))
	for _, m := range rel.Hooks {
		fmt.Fprintf(&manifests, "---\n# Source: %s\n%s\n", m.Path, m.Manifest)
	}
	return manifests.String(), nil
}

// engineStats: what the benchmarks read; renderNanos is the time spent inside helm's install
// action (values coalescing, schema check, template execution, sorting), the render's own floor.
type engineStats struct {
	Renders     int64   `json:"renders"`
	RenderSecs  float64 `json:"renderSeconds"`
	CPUSecs     float64 `json:"cpuSeconds"`
	MaxRSSBytes int64   `json:"maxRssBytes"`
	Charts      int     `json:"charts"`
}
