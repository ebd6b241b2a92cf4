package imageio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// PNGTextWriter returns a writer that passes a PNG through to w with text's
// tEXt chunks inserted right after the IHDR chunk, where every reader sees
// them before the image data, as PNGReader wants them. Any encoder of this
// package can write through it. The keys and values are checked at once.
//
// A PNG writer that takes text itself will make it unneeded.
func PNGTextWriter(w io.Writer, text []TextChunk) (io.Writer, error) {
	var chunks bytes.Buffer
	cw := chunkWriter{w: &chunks}
	for _, t := range text {
		if err := checkText(t); err != nil {
			return nil, err
		}
		cw.write("tEXt", []byte(t.Key), []byte{0}, []byte(t.Value))
	}
	return &textWriter{w: w, text: chunks.Bytes()}, nil
}

// checkText refuses what a tEXt chunk cannot hold: a keyword of 1 to 79
// printable characters without leading, trailing or double spaces, and a
// text without NULs. Both are kept to ASCII, so that a string is its bytes.
func checkText(t TextChunk) error {
	bad := len(t.Key) == 0 || len(t.Key) > 79 || t.Key[0] == ' ' || t.Key[len(t.Key)-1] == ' ' || bytes.Contains([]byte(t.Key), []byte("  "))
	for _, c := range []byte(t.Key) {
		bad = bad || c < 0x20 || c > 0x7e
	}
	if bad {
		return fmt.Errorf("png: bad tEXt keyword %q", t.Key)
	}
	for _, c := range []byte(t.Value) {
		if c == 0 || c > 0x7e {
			return fmt.Errorf("png: tEXt %s: text must be ASCII without NULs", t.Key)
		}
	}
	return nil
}

// headerLen is the signature and the IHDR chunk, which every PNG starts with.
const headerLen = len(pngSignature) + 8 + 13 + 4

// textWriter holds back the PNG's header until it is whole, then writes it
// and the text chunks, then passes everything through.
type textWriter struct {
	w    io.Writer
	head []byte
	text []byte // nil once written
}

func (t *textWriter) Write(p []byte) (int, error) {
	if t.text == nil {
		return t.w.Write(p)
	}
	n := min(len(p), headerLen-len(t.head))
	t.head = append(t.head, p[:n]...)
	if len(t.head) < headerLen {
		return n, nil
	}
	if string(t.head[:len(pngSignature)]) != pngSignature || string(t.head[12:16]) != "IHDR" ||
		binary.BigEndian.Uint32(t.head[8:12]) != 13 {
		return n, fmt.Errorf("png: tEXt: what is written is not a PNG starting with IHDR")
	}
	if _, err := t.w.Write(t.head); err != nil {
		return n, err
	}
	if _, err := t.w.Write(t.text); err != nil {
		return n, err
	}
	t.text = nil
	m, err := t.w.Write(p[n:])
	return n + m, err
}
