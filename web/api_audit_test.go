package web

import "testing"

func TestAuditAction(t *testing.T) {
	cases := map[string]string{
		"POST /api/v1/offers":                         "offers.create",
		"PUT /api/v1/offers/{id}":                     "offers.update",
		"DELETE /api/v1/offers/{id}":                  "offers.delete",
		"PUT /api/v1/partners/{id}/offers":            "partners.offers.set",
		"POST /api/v1/payouts/{id}/approve":           "payouts.approve",
		"POST /api/v1/auth/logout":                    "auth.logout",
		"POST /api/v1/partners/invites":               "partners.invites.create",
		"POST /api/v1/api-keys":                       "api_keys.create",
		"POST /api/v1/tenant/postback-token/rotate":   "tenant.postback_token.rotate",
		"POST /api/v1/me/2fa/enable":                  "me.2fa.enable",
		"PUT /api/v1/tenant":                          "tenant.set",
		"POST /api/v1/postbacks/outgoing/{id}/replay": "postbacks.outgoing.replay",
	}
	for in, want := range cases {
		var method, pattern string
		for i := range in {
			if in[i] == ' ' {
				method, pattern = in[:i], in[i+1:]
				break
			}
		}
		if got := auditAction(method, pattern); got != want {
			t.Errorf("auditAction(%s) = %s; want %s", in, got, want)
		}
	}
}
