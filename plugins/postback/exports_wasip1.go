package main

import pdk "github.com/affcore/affcore/pdk/go"

//go:wasmexport affcore_init
func affcoreInit() int32 { return pdk.Init(func([]byte) error { return nil }) }

var postbackFormat = pdk.NewHandler(Format)

//go:wasmexport hook_postback_format
func hookPostbackFormat(n uint32) uint64 { return postbackFormat.Serve(n) }
