// Package native carries the host functions of a plugin running natively
// (outside WebAssembly): pdktest installs a fake host here, and the PDK's
// non-wasip1 build calls it. Under GOOS=wasip1 the PDK uses the real
// affcore_v1 imports instead and this package is unused.
package native

// Host is the set of affcore_v1 host functions, in Go form. Status results
// use the abi.Status* codes.
type Host interface {
	Log(level int32, msg string)
	LogEnabled(level int32) bool
	Config() []byte
	Secret(name string) ([]byte, int32)
	KVGet(key string) ([]byte, int32)
	KVSet(key string, val []byte, ttlSeconds int32) int32
	KVDelete(key string) int32
	HTTPSend(req []byte) ([]byte, int32)
	NowMs() int64
}

// Current is the host a natively running plugin talks to. It is process
// state on purpose: a plugin instance is a process of its own under Wasm,
// and the test kit mirrors that.
var Current Host
