package wasm

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/tetratelabs/wazero"

	"github.com/affcore/affcore/pdk/go/abi"
)

var wasmMagic = []byte("\x00asm")

// checkBinary refuses what is not a core WebAssembly module before wazero
// sees it, with errors a plugin author can act on.
func checkBinary(b []byte) error {
	if len(b) < 8 || !bytes.Equal(b[:4], wasmMagic) {
		return fmt.Errorf("not a WebAssembly binary")
	}
	switch {
	case b[4] == 1 && b[5] == 0 && b[6] == 0 && b[7] == 0:
		return nil
	case b[6] == 1 && b[7] == 0: // layer 1: a component
		return fmt.Errorf("this is a WebAssembly component (component model); affcore runs core modules: "+
			"build with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared (ABI %s)", abi.Version)
	}
	return fmt.Errorf("unsupported WebAssembly binary version %x", b[4:8])
}

// checkModule verifies a compiled module against ABI v1: only known host
// imports, the version marker, the required exports, and one export per
// hook the manifest declares.
func checkModule(cm wazero.CompiledModule, hooks []string) error {
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch {
		case mod == "wasi_snapshot_preview1":
		case mod == abi.ImportModule:
			if !slices.Contains(abi.Imports, name) {
				return fmt.Errorf("imports %s.%s, which ABI %s does not have", mod, name, abi.Version)
			}
		case strings.HasPrefix(mod, "affcore_"):
			return fmt.Errorf("built for another plugin ABI (imports %s.%s); this host serves ABI %s (%s)", mod, name, abi.Version, abi.ImportModule)
		default:
			return fmt.Errorf("imports from unknown module %q (%s); plugins may import only %s and WASI", mod, name, abi.ImportModule)
		}
	}
	exports := cm.ExportedFunctions()
	if _, ok := exports[abi.ExportMarker]; !ok {
		return fmt.Errorf("not an ABI %s plugin: no %s export (build it with the affcore PDK)", abi.Version, abi.ExportMarker)
	}
	for _, name := range []string{abi.ExportInitialize, abi.ExportAlloc} {
		if _, ok := exports[name]; !ok {
			return fmt.Errorf("missing export %s (build a reactor: -buildmode=c-shared)", name)
		}
	}
	for _, h := range hooks {
		if _, ok := exports[abi.HookExportPrefix+h]; !ok {
			return fmt.Errorf("the manifest declares hook %s but the module has no %s%s export", h, abi.HookExportPrefix, h)
		}
	}
	return nil
}
