package verify

import "github.com/licaudit/licaudit/finding"

// Configuration rules: emitted while applying a configuration's waivers.
var (
	RuleConfigWaiverExpired = newRule("config.waiver-expired", finding.Warning,
		"A waiver in the configuration has passed its expiry date and no longer applies.",
		"Fix the finding it waived, or renew the waiver with a new expiry date and reason.")
	RuleConfigWaiverUnused = newRule("config.waiver-unused", finding.Info,
		"A waiver in the configuration matched no finding.",
		"Remove the waiver if the problem it covered is gone.")
)
