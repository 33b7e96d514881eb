//go:build !wasip1

package pdk

import (
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/internal/native"
)

// nativeHost forwards to the fake host installed by pdktest; without one,
// host calls fail as if every capability were denied.
type nativeHost struct{}

func host() hostFuncs { return nativeHost{} }

func (nativeHost) log(level int32, msg string) {
	if h := native.Current; h != nil {
		h.Log(level, msg)
	}
}

func (nativeHost) logEnabled(level int32) bool {
	h := native.Current
	return h != nil && h.LogEnabled(level)
}

func (nativeHost) config() []byte {
	if h := native.Current; h != nil {
		return h.Config()
	}
	return nil
}

func (nativeHost) secret(name string) ([]byte, int32) {
	if h := native.Current; h != nil {
		return h.Secret(name)
	}
	return nil, abi.StatusDenied
}

func (nativeHost) kvGet(key string) ([]byte, int32) {
	if h := native.Current; h != nil {
		return h.KVGet(key)
	}
	return nil, abi.StatusDenied
}

func (nativeHost) kvSet(key string, val []byte, ttl int32) int32 {
	if h := native.Current; h != nil {
		return h.KVSet(key, val, ttl)
	}
	return abi.StatusDenied
}

func (nativeHost) kvDelete(key string) int32 {
	if h := native.Current; h != nil {
		return h.KVDelete(key)
	}
	return abi.StatusDenied
}

func (nativeHost) httpSend(req []byte) ([]byte, int32) {
	if h := native.Current; h != nil {
		return h.HTTPSend(req)
	}
	return nil, abi.StatusDenied
}

func (nativeHost) nowMs() int64 {
	if h := native.Current; h != nil {
		return h.NowMs()
	}
	return 0
}
