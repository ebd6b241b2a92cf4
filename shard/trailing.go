package shard

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/mandel-project/mandel/imageio"
)

// maxText bounds a text chunk that trailingText reads into memory.
const maxText = 1 << 20

// trailingText returns the tEXt chunks of the PNG at path that come after
// its image data. A tool that re-saves a shard (convert s-1.png x.png)
// may keep the mandel: chunks but move them there, where the streaming
// reader, which stops at the image data, does not look. The image data is
// skipped, not read, so that this costs a seek per chunk.
func trailingText(path string) ([]imageio.PNGText, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(8, io.SeekStart); err != nil { // the signature
		return nil, err
	}
	var texts []imageio.PNGText
	seenIDAT := false
	var head [8]byte
	for {
		if _, err := io.ReadFull(f, head[:]); err != nil {
			return nil, fmt.Errorf("png: truncated before IEND: %w", err)
		}
		length := int64(binary.BigEndian.Uint32(head[:4]))
		typ := string(head[4:])
		switch {
		case typ == "IEND":
			return texts, nil
		case typ == "IDAT":
			seenIDAT = true
		case typ == "tEXt" && seenIDAT:
			if length > maxText {
				return nil, fmt.Errorf("png: tEXt chunk of %d bytes", length)
			}
			data := make([]byte, length+4)
			if _, err := io.ReadFull(f, data); err != nil {
				return nil, fmt.Errorf("png: truncated tEXt chunk: %w", err)
			}
			body := data[:length]
			crc := crc32.NewIEEE()
			crc.Write(head[4:])
			crc.Write(body)
			if crc.Sum32() != binary.BigEndian.Uint32(data[length:]) {
				return nil, errors.New("png: tEXt chunk with a bad CRC")
			}
			key, value, ok := bytes.Cut(body, []byte{0})
			if !ok || len(key) == 0 || len(key) > 79 {
				return nil, errors.New("png: bad tEXt chunk")
			}
			texts = append(texts, imageio.PNGText{Key: latin1(key), Value: latin1(value)})
			continue
		}
		if _, err := f.Seek(length+4, io.SeekCurrent); err != nil { // data and CRC
			return nil, err
		}
	}
}

// latin1 returns the Latin-1 bytes b, as tEXt holds them, as a Go string.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
