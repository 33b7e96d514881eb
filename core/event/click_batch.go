package event

import (
	"encoding/binary"
	"fmt"
)

// A click batch frames encoded clicks (AppendBinary) one after another:
//
//	0xCB 0x01                       magic, version
//	repeated: uvarint length + one binary click (never JSON)
//
// Decoding a message accepts a batch, a single binary click or a single
// JSON click, so messages of every release decode.

const (
	batchMagic   = 0xCB
	batchVersion = 1
)

// ClickBatch builds the payload of one ClickBatches message.
type ClickBatch struct {
	buf []byte
	n   int
}

// Add appends one encoded click (the output of Click.AppendBinary).
func (b *ClickBatch) Add(encoded []byte) {
	if b.buf == nil {
		b.buf = append(make([]byte, 0, 64+len(encoded)*8), batchMagic, batchVersion)
	}
	b.buf = append(binary.AppendUvarint(b.buf, uint64(len(encoded))), encoded...)
	b.n++
}

// Len returns the number of clicks added.
func (b *ClickBatch) Len() int { return b.n }

// Size returns the payload size in bytes.
func (b *ClickBatch) Size() int { return len(b.buf) }

// Bytes returns the payload.
func (b *ClickBatch) Bytes() []byte { return b.buf }

// DecodeClicks decodes a click message: a batch or a single click. A
// malformed click inside a well-framed batch is skipped and counted in bad;
// the others decode. A frame that cannot be read ends decoding with an
// error, after the clicks before it.
func DecodeClicks(data []byte) (clicks []Click, bad int, err error) {
	if len(data) < 2 || data[0] != batchMagic {
		c, err := DecodeClick(data)
		if err != nil {
			return nil, 1, err
		}
		return []Click{c}, 0, nil
	}
	if data[1] != batchVersion {
		return nil, 0, fmt.Errorf("decode click batch: unknown version %d", data[1])
	}
	rest := data[2:]
	for len(rest) > 0 {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return clicks, bad, fmt.Errorf("decode click batch: bad frame after %d clicks", len(clicks)+bad)
		}
		var c Click
		if err := c.UnmarshalBinary(rest[w : w+int(n)]); err != nil {
			bad++
		} else {
			clicks = append(clicks, c)
		}
		rest = rest[w+int(n):]
	}
	return clicks, bad, nil
}
