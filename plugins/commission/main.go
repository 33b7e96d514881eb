// Command commission is affcore's first-party commission plugin (hook
// commission): CPA, CPL, RevShare, Hybrid and Tiered models, threshold
// bonuses and negative carryover at period close. The models are package
// model; tenants without a commission plugin of their own get the same code
// in process.
package main

import "github.com/affcore/affcore/plugins/commission/model"

// Commission is the commission hook.
var Commission = model.Hook

func main() {}
