package main

import pdk "github.com/affcore/affcore/pdk/go"

//go:wasmexport affcore_init
func affcoreInit() int32 { return pdk.Init(setup) }

var clickScore = pdk.NewHandler(Score)

//go:wasmexport hook_click_score
func hookClickScore(n uint32) uint64 { return clickScore.Serve(n) }
