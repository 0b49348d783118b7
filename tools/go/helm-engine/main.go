// helm-engine: the pinned helm SDK in one long-lived process, so runlevel pays helm's start-up
// (Go runtime, scheme registration, client set-up) once per command instead of once per release.
// It reads one JSON request per line on stdin and writes one JSON response per line on stdout;
// requests run in parallel and answers carry the request's id. Values arrive inside the request,
// so they never touch disk. The one question the engine asks back is helm's post-render of a
// release (postrender.go), answered on stdin. Nothing is logged: stderr is for crashes only.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
)

// request is every operation's input; each op reads the fields it needs.
type request struct {
	ID        int64           `json:"id"`
	Op        string          `json:"op"`
	Name      string          `json:"name"`
	Namespace string          `json:"namespace"`
	Chart     string          `json:"chart"`
	Values    json.RawMessage `json:"values"`
	// template: the target's Kubernetes version and extra API versions (helm's --kube-version, --api-versions).
	KubeVersion string   `json:"kubeVersion"`
	APIVersions []string `json:"apiVersions"`
	// upgrade, uninstall: helm's --timeout.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// upgrade, template: helm's post-renderer is the core, asked over this channel (postrender.go).
	PostRender bool `json:"postRender"`
	Revision   int  `json:"revision"`
	// Not a request: the core's answer to the engine's post-render question.
	PostRendered *postRenderAnswer `json:"postRendered"`
}

// response: ok with the op's result, or the error text as helm's CLI would print it.
type response struct {
	ID       int64        `json:"id"`
	OK       bool         `json:"ok"`
	Error    string       `json:"error,omitempty"`
	Manifest *string      `json:"manifest,omitempty"`
	Revision int          `json:"revision,omitempty"`
	Releases []listedRel  `json:"releases,omitempty"`
	Found    *bool        `json:"found,omitempty"`
	Stats    *engineStats `json:"stats,omitempty"`
	Version  string       `json:"version,omitempty"`
}

func main() {
	// helmfile asks its helm binary for its version (`helm version --short`) before it plans, and
	// that is all it runs helm for in `build`. The engine is helm's SDK at the same pin, so it
	// answers as helm does, and the image carries no second 60 MB helm just to say a version.
	if len(os.Args) > 1 && os.Args[1] == "version" {
		fmt.Println(helmVersion())
		return
	}
	kubeconfig := ""
	for i := 1; i < len(os.Args); i++ {
		switch os.Args[i] {
		case "--kubeconfig":
			if i+1 < len(os.Args) {
				kubeconfig = os.Args[i+1]
				i++
			}
		case "--version":
			fmt.Println(helmVersion())
			return
		}
	}
	// The core starts us in a process group of our own, so a terminal's Ctrl-C reaches the core
	// alone; it decides what stops. Closing stdin: finish what is in flight, then exit. SIGTERM (its
	// second Ctrl-C, or its watchdog when it died) or SIGINT, as helm's CLI takes them: cancel the
	// installs and upgrades in flight, which helm marks failed, and keep answering until stdin closes.
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-term
		stopReleases()
	}()
	// helm's loader logs each symlinked sub-chart through the standard logger: noise here.
	log.SetOutput(io.Discard)
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	var mu sync.Mutex
	send := func(v interface{}) {
		mu.Lock()
		defer mu.Unlock()
		// A write error means the core is gone; what is in flight still finishes.
		_ = out.Encode(v)
	}
	e := newEngine(kubeconfig, newAsker(send))
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	var wg sync.WaitGroup
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			var req request
			if jerr := json.Unmarshal(line, &req); jerr != nil {
				fmt.Fprintf(os.Stderr, "helm-engine: unreadable request: %v\n", jerr)
				os.Exit(2)
			}
			if req.PostRendered != nil {
				e.asker.answer(*req.PostRendered)
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				send(e.handle(req))
			}()
		}
		if err == io.EOF {
			// The core closed stdin: no post-render can be answered any more, so the releases
			// waiting for one fail at once; what else is in flight finishes, then the engine exits.
			e.asker.close()
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "helm-engine: reading stdin: %v\n", err)
			os.Exit(2)
		}
	}
	wg.Wait()
}

func (e *engine) handle(req request) (res response) {
	res.ID = req.ID
	// A panic inside helm is that request's failure, not the end of every other release in flight.
	defer func() {
		if p := recover(); p != nil {
			res = response{ID: req.ID, Error: fmt.Sprintf("Error: helm panicked: %v\n%s", p, debug.Stack())}
		}
	}()
	var err error
	switch req.Op {
	case "template":
		var m string
		m, err = e.template(req)
		if err == nil {
			res.Manifest = &m
		}
	case "upgrade":
		res.Revision, err = e.upgrade(req)
	case "rollback":
		err = e.rollback(req)
	case "uninstall":
		err = e.uninstall(req)
	case "list":
		res.Releases, err = e.list()
		if res.Releases == nil {
			res.Releases = []listedRel{}
		}
	case "get":
		var m string
		var found bool
		m, found, err = e.getManifest(req)
		res.Found = &found
		if found {
			res.Manifest = &m
		}
	case "stats":
		res.Stats = e.stats()
	case "version":
		res.Version = helmVersion()
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	if err != nil {
		res.Error = "Error: " + err.Error()
		return res
	}
	res.OK = true
	return res
}

// helmVersion is the helm module this engine was built from (the pin).
func helmVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "helm.sh/helm/v3" {
				return d.Version
			}
		}
	}
	return "unknown"
}
