// Command verify is an independent checker for truyxuat's ledger, used only by tests.
//
// It reads one JSON request on stdin, checks it with Go's checksum-database packages
// (golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog) and prints a JSON report.
// Exit status 0 means every check passed, 1 that some check failed, 2 a bad request.
//
// Request:
//
//	{
//	  "vkey": "<log verifier key, Ed25519 note key>",
//	  "witness_vkeys": ["<cosignature/v1 (type 0x04) witness keys>"],
//	  "checkpoint": "<signed checkpoint note>",
//	  "records": [{"index": 5, "data": "<base64 leaf data>", "proof": ["<base64 hash>", ...]}],
//	  "consistency": [{"old_size": 3, "old_root": "<base64>", "proof": ["<base64>", ...]}]
//	}
//
// Build without network in GOPATH mode:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o verify ./ledger/tests/go/verify
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type recordReq struct {
	Index int64            `json:"index"`
	Data  []byte           `json:"data"`
	Proof tlog.RecordProof `json:"proof"`
}

type consistencyReq struct {
	OldSize int64          `json:"old_size"`
	OldRoot tlog.Hash      `json:"old_root"`
	Proof   tlog.TreeProof `json:"proof"`
}

type request struct {
	VKey         string           `json:"vkey"`
	WitnessVKeys []string         `json:"witness_vkeys"`
	Checkpoint   string           `json:"checkpoint"`
	Records      []recordReq      `json:"records"`
	Consistency  []consistencyReq `json:"consistency"`
}

type result struct {
	OK       bool       `json:"ok"`
	Error    string     `json:"error,omitempty"`
	LeafHash *tlog.Hash `json:"leaf_hash,omitempty"`
}

type report struct {
	NoteOK          bool             `json:"note_ok"`
	NoteError       string           `json:"note_error,omitempty"`
	Origin          string           `json:"origin,omitempty"`
	Size            int64            `json:"size"`
	Root            *tlog.Hash       `json:"root,omitempty"`
	VerifiedSigs    []string         `json:"verified_sigs"`
	CosigTimestamps map[string]int64 `json:"cosig_timestamps"`
	Records         []result         `json:"records"`
	Consistency     []result         `json:"consistency"`
}

// cosigVerifier checks c2sp.org/tlog-cosignature cosignature/v1 (type 0x04) signatures,
// which the note package does not know: the signature is an 8-byte big-endian timestamp
// followed by an Ed25519 signature of "cosignature/v1\ntime <t>\n" + note text.
type cosigVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return v.hash }
func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > 1<<63-1 {
		return false
	}
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	return ed25519.Verify(v.key, signed, sig[8:])
}

func newCosigVerifier(vkey string) (*cosigVerifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 || len(parts[1]) != 8 {
		return nil, errors.New("malformed witness key")
	}
	h, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil {
		return nil, errors.New("malformed witness key")
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != 0x04 {
		return nil, errors.New("malformed witness key")
	}
	sum := sha256.Sum256(append([]byte(parts[0]+"\n"), key...))
	if binary.BigEndian.Uint32(sum[:4]) != uint32(h) {
		return nil, errors.New("witness key hash mismatch")
	}
	return &cosigVerifier{name: parts[0], hash: uint32(h), key: ed25519.PublicKey(key[1:])}, nil
}

// parseCheckpoint parses c2sp.org/tlog-checkpoint note text: origin, size, base64 root.
func parseCheckpoint(text string) (string, int64, tlog.Hash, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if !strings.HasSuffix(text, "\n") || len(lines) < 3 || lines[0] == "" {
		return "", 0, tlog.Hash{}, errors.New("malformed checkpoint")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return "", 0, tlog.Hash{}, errors.New("malformed checkpoint size")
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return "", 0, tlog.Hash{}, err
	}
	return lines[0], size, root, nil
}

func main() {
	var req request
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	rep := report{VerifiedSigs: []string{}, CosigTimestamps: map[string]int64{}, Records: []result{}, Consistency: []result{}}
	allOK := true

	var verifiers []note.Verifier
	v, err := note.NewVerifier(req.VKey)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad log key:", err)
		os.Exit(2)
	}
	verifiers = append(verifiers, v)
	for _, wk := range req.WitnessVKeys {
		w, err := newCosigVerifier(wk)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad witness key:", err)
			os.Exit(2)
		}
		verifiers = append(verifiers, w)
	}

	n, err := note.Open([]byte(req.Checkpoint), note.VerifierList(verifiers...))
	var root tlog.Hash
	var size int64
	if err == nil {
		logSigned := false
		for _, s := range n.Sigs {
			rep.VerifiedSigs = append(rep.VerifiedSigs, s.Name)
			if s.Name == v.Name() && s.Hash == v.KeyHash() {
				logSigned = true
				continue
			}
			raw, _ := base64.StdEncoding.DecodeString(s.Base64)
			rep.CosigTimestamps[s.Name] = int64(binary.BigEndian.Uint64(raw[4:12]))
		}
		if !logSigned {
			err = errors.New("checkpoint not signed by the log key")
		}
	}
	if err == nil {
		rep.Origin, size, root, err = parseCheckpoint(n.Text)
	}
	if err != nil {
		rep.NoteError = err.Error()
		allOK = false
	} else {
		rep.NoteOK = true
		rep.Size = size
		rep.Root = &root
	}

	for _, r := range req.Records {
		h := tlog.RecordHash(r.Data)
		res := result{LeafHash: &h}
		if !rep.NoteOK {
			res.Error = "checkpoint not verified"
		} else if err := tlog.CheckRecord(r.Proof, size, root, r.Index, h); err != nil {
			res.Error = err.Error()
		} else {
			res.OK = true
		}
		allOK = allOK && res.OK
		rep.Records = append(rep.Records, res)
	}
	for _, c := range req.Consistency {
		res := result{}
		if !rep.NoteOK {
			res.Error = "checkpoint not verified"
		} else if err := tlog.CheckTree(c.Proof, size, root, c.OldSize, c.OldRoot); err != nil {
			res.Error = err.Error()
		} else {
			res.OK = true
		}
		allOK = allOK && res.OK
		rep.Consistency = append(rep.Consistency, res)
	}

	out, _ := json.MarshalIndent(rep, "", "  ")
	fmt.Println(string(out))
	if !allOK {
		os.Exit(1)
	}
}
