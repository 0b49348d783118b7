// helm's post-renderer answered by the core over the engine's own stdin/stdout: the engine asks
// (one line, {"postRender": {id, request, release, manifest}}), the core runs its one image
// rewrite in-process and answers ({"postRendered": {id, manifest | error}}). No process is spawned
// per release and the rewrite has one implementation, the core's. helm itself decides what the
// post-renderer sees (the release's manifest, hooks excepted) and stores what comes back.
package main

import (
	"bytes"
	"sync"

	"github.com/pkg/errors"
)

// postRenderQuestion: what the engine asks the core; request is the id of the core's request
// (the upgrade or template) the release belongs to, so the core finds that release's rewrite.
type postRenderQuestion struct {
	ID       int64  `json:"id"`
	Request  int64  `json:"request"`
	Release  string `json:"release"`
	Manifest string `json:"manifest"`
}

// postRenderAnswer: the core's answer, the rewritten manifest or why it could not be made.
type postRenderAnswer struct {
	ID       int64   `json:"id"`
	Manifest *string `json:"manifest"`
	Error    string  `json:"error"`
}

// asker holds the questions waiting for an answer. When the core closes stdin (it ended, or died)
// every question waiting, and every one asked later, fails at once: the engine never waits for
// an answer that cannot come.
type asker struct {
	send    func(v interface{})
	mu      sync.Mutex
	next    int64
	waiting map[int64]chan postRenderAnswer
	closed  bool
}

func newAsker(send func(v interface{})) *asker {
	return &asker{send: send, waiting: map[int64]chan postRenderAnswer{}}
}

func (a *asker) ask(request int64, release string, manifest string) (string, error) {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return "", errors.New("the core closed the engine's input before it answered")
	}
	a.next++
	id := a.next
	ch := make(chan postRenderAnswer, 1)
	a.waiting[id] = ch
	a.mu.Unlock()
	a.send(struct {
		PostRender postRenderQuestion `json:"postRender"`
	}{postRenderQuestion{ID: id, Request: request, Release: release, Manifest: manifest}})
	var ans postRenderAnswer
	select {
	case ans = <-ch:
	case <-stopping.Done():
		// Stopped (SIGTERM): nothing of this release was written yet; it fails as helm's CLI would.
		a.forget(id)
		return "", errors.New("stopped before the core answered")
	}
	if ans.Error != "" {
		return "", errors.New(ans.Error)
	}
	if ans.Manifest == nil {
		return "", errors.New("the core answered without a manifest")
	}
	return *ans.Manifest, nil
}

func (a *asker) forget(id int64) {
	a.mu.Lock()
	delete(a.waiting, id)
	a.mu.Unlock()
}

// answer hands the core's answer to the question waiting for it (an unknown id is dropped: the
// question was given up already).
func (a *asker) answer(ans postRenderAnswer) {
	a.mu.Lock()
	ch := a.waiting[ans.ID]
	delete(a.waiting, ans.ID)
	a.mu.Unlock()
	if ch != nil {
		ch <- ans
	}
}

// close: no answer will come any more (stdin ended).
func (a *asker) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	for id, ch := range a.waiting {
		delete(a.waiting, id)
		ch <- postRenderAnswer{ID: id, Error: "the core closed the engine's input before it answered"}
	}
}

// corePostRenderer is helm's postrender.PostRenderer for one release of one request.
type corePostRenderer struct {
	asker   *asker
	request int64
	release string
}

func (p corePostRenderer) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	out, err := p.asker.ask(p.request, p.release, in.String())
	if err != nil {
		return nil, err
	}
	return bytes.NewBufferString(out), nil
}
