package main

import (
	"strings"
	"testing"
)

// TestPortalBrand: the public brand lookup a partner portal starts with
// answers the program's name and branding, and nothing of the platform.
func TestPortalBrand(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("brand-owner@acme.test")
	var tenant struct{ Slug string }
	ta.must(200, "PUT", "/api/v1/tenant", owner, map[string]any{"branding": map[string]string{
		"name": "Rocket Partners", "primary_color": "#0a7d5a", "logo_url": "https://cdn.example/logo.png"}}, &tenant)
	var got struct {
		Name, Slug string
		Branding   struct {
			PrimaryColor string `json:"primary_color"`
			LogoURL      string `json:"logo_url"`
		}
	}
	b := ta.must(200, "GET", "/api/v1/portal/"+tenant.Slug, "", nil, &got)
	if got.Name != "Rocket Partners" || got.Slug != tenant.Slug || got.Branding.PrimaryColor != "#0a7d5a" || got.Branding.LogoURL == "" {
		t.Errorf("portal brand = %s", b)
	}
	if strings.Contains(strings.ToLower(string(b)), "affcore") || strings.Contains(string(b), "tenant_id") || strings.Contains(string(b), "postback") {
		t.Errorf("portal brand reveals more than the brand: %s", b)
	}
	b = ta.must(404, "GET", "/api/v1/portal/no-such-program", "", nil, nil)
	if !strings.Contains(string(b), "no such program") || strings.Contains(strings.ToLower(string(b)), "affcore") {
		t.Errorf("unknown portal: %s", b)
	}
}
