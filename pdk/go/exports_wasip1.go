//go:build wasip1

package pdk

import (
	"runtime"
	"unsafe"

	"github.com/affcore/affcore/pdk/go/abi"
)

// Guest-side state of one instance: the input buffer the host writes into,
// the output buffer the host reads the envelope from, and a call counter.
// Both buffers are reused across calls.
var (
	inBuf  []byte
	outBuf []byte
	calls  uint32
)

// gcEvery is how often Serve yields to the scheduler. A long-lived Go
// instance driven only through exports otherwise starves the GC's
// background workers, and linear memory grows without bound.
const gcEvery = 64

// maxKeptOutput bounds the output buffer kept between calls.
const maxKeptOutput = 1 << 20

//go:wasmexport affcore_abi_v1_0
func abiMarker() {}

// alloc returns the input buffer, grown to at least size bytes. The buffer
// stays valid until the next affcore_alloc call, so the host calls it only
// when an input is larger than the buffer it already has.
//
//go:wasmexport affcore_alloc
func alloc(size uint32) uint32 {
	if uint32(cap(inBuf)) < size {
		inBuf = make([]byte, max(size, 4096))
	}
	inBuf = inBuf[:cap(inBuf)]
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(inBuf))))
}

//go:wasmexport affcore_gc
func collect() { runtime.GC() }

// Serve runs one hook call for the plugin's export shim: it decodes the
// input the host wrote with affcore_alloc, calls the hook function, and
// returns the packed pointer and length of the envelope.
func (h *Handler[I, PI, O]) Serve(inLen uint32) uint64 {
	calls++
	if calls%gcEvery == 0 {
		runtime.Gosched()
	}
	if cap(outBuf) > maxKeptOutput {
		outBuf = nil
	}
	if int(inLen) > len(inBuf) {
		outBuf = abi.AppendError(outBuf[:0], abi.Error{Code: abi.CodeInvalidInput, Message: "input length beyond the allocated buffer"})
	} else {
		outBuf = h.handle(inBuf[:inLen], outBuf[:0])
	}
	if len(outBuf) == 0 {
		return 0
	}
	return abi.PackResult(uint32(uintptr(unsafe.Pointer(unsafe.SliceData(outBuf)))), uint32(len(outBuf)))
}
