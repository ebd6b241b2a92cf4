package shard

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

// textAfterIDAT moves the tEXt chunks of the PNG png to just before IEND,
// as a tool that re-saves a shard may (convert s-1.png x.png).
func textAfterIDAT(t *testing.T, png []byte) []byte {
	t.Helper()
	out := bytes.Clone(png[:8])
	var texts, iend []byte
	for rest := png[8:]; len(rest) > 0; {
		n := 12 + int(binary.BigEndian.Uint32(rest))
		chunk := rest[:n]
		switch string(chunk[4:8]) {
		case "tEXt":
			texts = append(texts, chunk...)
		case "IEND":
			iend = chunk
		default:
			out = append(out, chunk...)
		}
		rest = rest[n:]
	}
	if len(texts) == 0 || iend == nil {
		t.Fatal("no tEXt chunks or no IEND")
	}
	return append(append(out, texts...), iend...)
}

// TestStitchTextAfterIDAT stitches shards whose text follows their image
// data: the whole image, as if they had not been moved.
func TestStitchTextAfterIDAT(t *testing.T) {
	m := testImage("paletted", 40, 31)
	want := encode(t, m, headerOf(m, 0, 1).Picture().Text())
	paths := writeShards(t, t.TempDir(), m, 3)
	for _, p := range paths[:2] {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, textAfterIDAT(t, data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got bytes.Buffer
	if err := Stitch(context.Background(), &got, paths, 2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("the stitched image (%d bytes) differs from the whole (%d bytes)", got.Len(), len(want))
	}

	// A bad CRC in a moved chunk is said as such, not as a missing header.
	data, _ := os.ReadFile(paths[0])
	i := bytes.Index(data, []byte("tEXtmandel:"))
	data[i+6] ^= 1
	os.WriteFile(paths[0], data, 0o644)
	if _, err := ReadSet(paths); err == nil || !strings.Contains(err.Error(), "tEXt chunk with a bad CRC") {
		t.Errorf("a corrupt moved chunk: %v", err)
	}
}
