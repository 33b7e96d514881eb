// Command otherabi is built for a future ABI: it imports affcore_v2 and
// exports its marker, without the PDK.
package main

import "unsafe"

//go:wasmimport affcore_v2 log
func hostLog(level int32, ptr unsafe.Pointer, n uint32)

//go:wasmexport affcore_abi_v2_0
func marker() {}

//go:wasmexport affcore_alloc
func alloc(n uint32) uint32 { return 0 }

//go:wasmexport hook_click_score
func hookClickScore(n uint32) uint64 {
	msg := "hello from v2"
	hostLog(0, unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg)))
	return 0
}

func main() {}
