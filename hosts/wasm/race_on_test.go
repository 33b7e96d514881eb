//go:build race

package wasm_test

// raceEnabled shortens call-heavy tests under the race detector, where every
// exit from guest code into Go is instrumented.
const raceEnabled = true
