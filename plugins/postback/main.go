// Command postback is affcore's default postback-format plugin (hook
// postback_format): the macro URL, a JSON or form body, and an optional
// HMAC-SHA256 signature with a timestamp. The logic is package format; a
// tenant replaces it by installing its own postback-format plugin.
package main

import "github.com/affcore/affcore/plugins/postback/format"

// Format is the postback_format hook.
var Format = format.Hook

func main() {}
