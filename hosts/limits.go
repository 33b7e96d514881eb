package hosts

import (
	"time"

	"github.com/affcore/affcore/pdk/go/abi"
)

// Class groups hooks with the same limits (pdk/ABI.md, "Limits").
type Class int

// Hook classes, from the tightest limits to the widest.
const (
	// ClassClick is the synchronous click path.
	ClassClick Class = iota
	// ClassCompute is commission and postback format: pure computation on money.
	ClassCompute
	// ClassIO is CAPI, payouts and spend sync: outbound HTTP to third parties.
	ClassIO
)

func (c Class) String() string {
	return [...]string{"click", "compute", "io"}[c]
}

// ClassOf returns the class of a hook.
func ClassOf(hook string) Class {
	switch hook {
	case abi.HookClickScore:
		return ClassClick
	case abi.HookCommission, abi.HookPostbackFormat:
		return ClassCompute
	}
	return ClassIO
}

// ClassOfHooks returns the widest class among hooks: an instance serving
// several hooks runs with the memory of the widest.
func ClassOfHooks(hooks []string) Class {
	c := ClassClick
	for _, h := range hooks {
		c = max(c, ClassOf(h))
	}
	return c
}

// Limits bound one hook call and the instances that serve it.
type Limits struct {
	Timeout     time.Duration // wall clock per call
	InitTimeout time.Duration // _initialize + affcore_init
	MemoryPages uint32        // hard linear-memory limit (64 KiB pages)
	// RecycleBytes discards an instance whose memory grew past it after a call.
	RecycleBytes uint32
	// RecycleCalls discards an instance after this many calls.
	RecycleCalls int
	// IdleTTL discards instances unused for this long.
	IdleTTL      time.Duration
	MaxInput     int
	MaxOutput    int
	LogBytes     int // per call
	LogLines     int // per call
	HTTPRequests int // per call; 0 = no network
	HTTPBody     int64
	HTTPTimeout  time.Duration // per request
	KVOps        int           // per call
	KVWrite      bool          // false = read-only
	Instances    int           // per installation
}

// DefaultLimits returns the v1 defaults of a class.
func DefaultLimits(c Class) Limits {
	switch c {
	case ClassClick:
		return Limits{Timeout: 5 * time.Millisecond, InitTimeout: time.Second, MemoryPages: 512,
			RecycleBytes: 16 << 20, RecycleCalls: 100_000, IdleTTL: 10 * time.Minute,
			MaxInput: 16 << 10, MaxOutput: 4 << 10, LogBytes: 1 << 10, LogLines: 8,
			KVOps: 4, Instances: 4}
	case ClassCompute:
		return Limits{Timeout: 50 * time.Millisecond, InitTimeout: time.Second, MemoryPages: 1024,
			RecycleBytes: 32 << 20, RecycleCalls: 100_000, IdleTTL: 10 * time.Minute,
			MaxInput: 256 << 10, MaxOutput: 64 << 10, LogBytes: 4 << 10, LogLines: 32,
			KVOps: 16, KVWrite: true, Instances: 2}
	}
	return Limits{Timeout: 10 * time.Second, InitTimeout: 2 * time.Second, MemoryPages: 2048,
		RecycleBytes: 64 << 20, RecycleCalls: 10_000, IdleTTL: 10 * time.Minute,
		MaxInput: 1 << 20, MaxOutput: 256 << 10, LogBytes: 16 << 10, LogLines: 64,
		HTTPRequests: 8, HTTPBody: 1 << 20, HTTPTimeout: 5 * time.Second,
		KVOps: 64, KVWrite: true, Instances: 2}
}

// LimitsFunc returns the limits of a class; engines take one so tests and
// per-plan overrides can tighten or widen them.
type LimitsFunc func(Class) Limits
