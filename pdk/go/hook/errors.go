package hook

import "errors"

var errHeader = errors.New("hook: a header must be a [name, value] pair")
