// Charts read once per process: helm's own loader reads the directory (symlinks, .helmignore), and
// every render gets a fresh chart built from those bytes, because an install mutates the chart it
// is given (dependency conditions, imported values). Before each use the files' and directories'
// sizes and modification times are compared with the ones read, so an edited chart is read again:
// the cache never answers with an old chart.
package main

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
)

type cachedChart struct {
	files []*loader.BufferedFile
	stamp string
}

type chartCache struct {
	mu     sync.Mutex
	charts map[string]*cachedChart
}

func newChartCache() *chartCache { return &chartCache{charts: map[string]*cachedChart{}} }

// load returns a chart of its own for one render or upgrade.
func (c *chartCache) load(dir string) (*chart.Chart, error) {
	c.mu.Lock()
	cached := c.charts[dir]
	c.mu.Unlock()
	if cached != nil && cached.stamp == stampOf(dir, cached.files) {
		return loader.LoadFiles(cached.files)
	}
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, err
	}
	info, statErr := os.Stat(dir)
	if statErr != nil || !info.IsDir() {
		return ch, nil // an archive: loaded each time, never cached
	}
	files := make([]*loader.BufferedFile, 0, len(ch.Raw))
	for _, f := range ch.Raw {
		files = append(files, &loader.BufferedFile{Name: f.Name, Data: f.Data})
	}
	// The stamp taken after reading: a change during the read shows up as a new stamp next time.
	fresh := &cachedChart{files: files, stamp: stampOf(dir, files)}
	c.mu.Lock()
	c.charts[dir] = fresh
	c.mu.Unlock()
	return ch, nil
}

func (c *chartCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.charts)
}

// stampOf: size and modification time of every file read and of every directory holding one
// (a directory's time changes when a file is added to it or removed), symlinks followed.
func stampOf(dir string, files []*loader.BufferedFile) string {
	dirs := map[string]bool{".": true}
	b := make([]byte, 0, 64*len(files))
	add := func(name string) {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			b = append(b, name...)
			b = append(b, "!missing;"...)
			return
		}
		b = append(b, name...)
		b = append(b, ':')
		b = appendInt(b, info.Size())
		b = append(b, ':')
		b = appendInt(b, info.ModTime().UnixNano())
		b = append(b, ';')
	}
	for _, f := range files {
		add(f.Name)
		for d := path.Dir(f.Name); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	// templates/ may be empty of read files and still gain one.
	dirs["templates"] = true
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names)
	for _, d := range names {
		add(d)
	}
	return string(b)
}

func appendInt(b []byte, n int64) []byte {
	if n == 0 {
		return append(b, '0')
	}
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for n > 0 {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, tmp[i:]...)
}
