package fixers

// Staging adds a staging environment between dev and prod.
// (Implementation in progress: see the staging issue.)
var Staging = &Rule{
	ID:       "staging",
	Doc:      `Add a staging environment between dev and prod, in the style the app already uses.`,
	Severity: Medium,
	Fixable:  true,
	Run:      func(*Pass) {},
}
