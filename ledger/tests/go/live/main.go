// Command live is an independent checker run by the tests against a live truyxuat node.
//
// Usage: live <base URL> <leaf index>... [-- <old size>...]
//
// It fetches /ledger/key and /ledger/checkpoint, opens the checkpoint with Go's
// golang.org/x/mod/sumdb/note, then for each leaf index fetches an inclusion proof from
// /api/v1/ledger/proof and checks it with tlog.CheckRecord; for each old size fetches a
// consistency proof from /api/v1/ledger/consistency and checks it with tlog.CheckTree. It also
// reads the log through its C2SP tiles with tlog.TileHashReader (which authenticates every tile
// against the checkpoint's root), proves each leaf from tiles with tlog.ProveRecord, and checks
// that the leaf hash equals tlog.RecordHash of the entry-bundle digest. Prints a JSON report;
// exit status 0 when everything verified, 1 otherwise, 2 on usage or network errors.
//
// Build without network: GOPATH=/usr/share/gocode GO111MODULE=off go build ./ledger/tests/go/live
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var base string

func get(path string) ([]byte, error) {
	resp, err := http.Get(base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	return data, nil
}

// tilePath is the C2SP tlog-tiles path (no height element, unlike Go's sumdb tile paths).
func tilePath(t tlog.Tile) string {
	n := t.N
	parts := []string{fmt.Sprintf("%03d", n%1000)}
	for n /= 1000; n > 0; n /= 1000 {
		parts = append([]string{fmt.Sprintf("x%03d", n%1000)}, parts...)
	}
	lvl := strconv.Itoa(t.L)
	if t.L == -1 {
		lvl = "entries"
	}
	p := "/ledger/tile/" + lvl + "/" + strings.Join(parts, "/")
	if t.W != 1<<t.H {
		p += fmt.Sprintf(".p/%d", t.W)
	}
	return p
}

type tileReader struct{}

func (tileReader) Height() int { return 8 }
func (tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := get(tilePath(t))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}
func (tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

type proofDoc struct {
	LeafIndex int64    `json:"leaf_index"`
	TreeSize  int64    `json:"tree_size"`
	LeafHash  string   `json:"leaf_hash"`
	Hashes    []string `json:"hashes"`
}

type consDoc struct {
	First      int64    `json:"first"`
	Second     int64    `json:"second"`
	FirstRoot  string   `json:"first_root"`
	SecondRoot string   `json:"second_root"`
	Hashes     []string `json:"hashes"`
}

type result struct {
	Subject string `json:"subject"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
}

func hashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: live <base URL> <index>... [-- <old size>...]"))
	}
	base = strings.TrimRight(os.Args[1], "/")
	var indexes, olds []int64
	dst := &indexes
	for _, a := range os.Args[2:] {
		if a == "--" {
			dst = &olds
			continue
		}
		v, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fail(err)
		}
		*dst = append(*dst, v)
	}
	keyText, err := get("/ledger/key")
	if err != nil {
		fail(err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(keyText)))
	if err != nil {
		fail(err)
	}
	cpText, err := get("/ledger/checkpoint")
	if err != nil {
		fail(err)
	}
	report := map[string]any{}
	var results []result
	allOK := true
	add := func(subject string, err error) {
		r := result{Subject: subject, OK: err == nil}
		if err != nil {
			r.Error = err.Error()
			allOK = false
		}
		results = append(results, r)
	}

	n, err := note.Open(cpText, note.VerifierList(verifier))
	if err != nil {
		add("checkpoint", err)
		out, _ := json.Marshal(map[string]any{"results": results})
		fmt.Println(string(out))
		os.Exit(1)
	}
	lines := strings.Split(n.Text, "\n")
	size, _ := strconv.ParseInt(lines[1], 10, 64)
	root, err := tlog.ParseHash(lines[2])
	if err != nil || lines[0] != verifier.Name() {
		fail(fmt.Errorf("bad checkpoint text %q", n.Text))
	}
	add("checkpoint", nil)
	report["origin"] = lines[0]
	report["size"] = size
	report["root"] = root.String()
	tree := tlog.Tree{N: size, Hash: root}
	thr := tlog.TileHashReader(tree, tileReader{})

	for _, i := range indexes {
		subject := fmt.Sprintf("inclusion %d", i)
		data, err := get(fmt.Sprintf("/api/v1/ledger/proof?leaf_index=%d&tree_size=%d", i, size))
		if err != nil {
			add(subject, err)
			continue
		}
		var doc proofDoc
		if err := json.Unmarshal(data, &doc); err != nil {
			add(subject, err)
			continue
		}
		leaf, err := tlog.ParseHash(doc.LeafHash)
		if err != nil {
			add(subject, err)
			continue
		}
		proof, err := hashes(doc.Hashes)
		if err != nil {
			add(subject, err)
			continue
		}
		add(subject, tlog.CheckRecord(tlog.RecordProof(proof), size, root, i, leaf))

		// The same leaf read through the tiles (authenticated against the root by Go) ...
		subject = fmt.Sprintf("tiles %d", i)
		th, err := thr.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
		if err != nil {
			add(subject, err)
			continue
		}
		if th[0] != leaf {
			add(subject, errors.New("tile leaf hash differs from the proof API's"))
			continue
		}
		tproof, err := tlog.ProveRecord(size, i, thr)
		if err != nil {
			add(subject, err)
			continue
		}
		if err := tlog.CheckRecord(tproof, size, root, i, th[0]); err != nil {
			add(subject, err)
			continue
		}
		// ... and its entry: the leaf data is the 32-byte digest of the record.
		entries, err := get(tilePath(tlog.Tile{H: 8, L: -1, N: i / 256, W: int(min64(256, size-i/256*256))}))
		if err != nil {
			add(subject, err)
			continue
		}
		pos := 0
		var entry []byte
		for k := int64(0); k <= i%256; k++ {
			l := int(binary.BigEndian.Uint16(entries[pos : pos+2]))
			entry = entries[pos+2 : pos+2+l]
			pos += 2 + l
		}
		if len(entry) != 32 || tlog.RecordHash(entry) != leaf {
			add(subject, errors.New("entry bundle digest does not hash to the leaf"))
			continue
		}
		add(subject, nil)
	}
	for _, m := range olds {
		subject := fmt.Sprintf("consistency %d", m)
		data, err := get(fmt.Sprintf("/api/v1/ledger/consistency?first=%d&second=%d", m, size))
		if err != nil {
			add(subject, err)
			continue
		}
		var doc consDoc
		if err := json.Unmarshal(data, &doc); err != nil {
			add(subject, err)
			continue
		}
		oldRoot, err := tlog.ParseHash(doc.FirstRoot)
		if err != nil {
			add(subject, err)
			continue
		}
		proof, err := hashes(doc.Hashes)
		if err != nil {
			add(subject, err)
			continue
		}
		// The old root must also be what the tiles say (TreeHash authenticates through them).
		tilesRoot, err := tlog.TreeHash(m, thr)
		if err != nil || tilesRoot != oldRoot {
			add(subject, fmt.Errorf("old root from tiles differs: %v", err))
			continue
		}
		add(subject, tlog.CheckTree(tlog.TreeProof(proof), size, root, m, oldRoot))
	}
	report["results"] = results
	out, _ := json.MarshalIndent(report, "", "  ")
	fmt.Println(string(out))
	if !allOK {
		os.Exit(1)
	}
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}
