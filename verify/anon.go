package verify

import "github.com/licaudit/licaudit/finding"

// Anonymity rules: the anonymous CSV must not identify a customer.
var (
	ruleAnonIdentifyingColumn = newRule("anon.identifying-column", finding.Error,
		"The anonymous CSV has a Provider, Reseller or Customer column, or a name-like variant.",
		"Send the anonymous CSV the exporter wrote, not the detailed one; it holds only Customer PKID and counts.")
	ruleAnonHierarchyPath = newRule("anon.hierarchy-path", finding.Error,
		"A cell holds a friendly hierarchy path such as `sys.hcs.CS-P.CS-NB.Acme`.",
		"Re-run the export; hierarchy paths name customers and must not be in the anonymous CSV.")
	ruleAnonPersonalData = newRule("anon.personal-data", finding.Error,
		"A data cell holds an e-mail address or a phone number.",
		"Re-run the export; personal data must not be in the anonymous CSV.")
	ruleAnonKnownIdentifier = newRule("anon.known-identifier", finding.Error,
		"A data cell holds a provider, reseller or customer name known from the detailed CSV or the bundle name.",
		"Re-run the export; customer names must not be in the anonymous CSV.")
	ruleAnonMetadata = newRule("anon.metadata", finding.Warning,
		"The `#Key=Value` block of the anonymous CSV is malformed or disagrees with the names (Date Time, hostname).",
		"Send the CSV of the same export as the ZIP name, unedited.")
	ruleAnonCustomerKey = newRule("anon.customer-key", finding.Error,
		"The Customer PKID column is missing, or a Customer PKID is empty or repeated.",
		"Re-run the export; each row is one customer, identified by its Customer PKID.")
	ruleAnonCount = newRule("anon.count", finding.Error,
		"A count cell is not a non-negative integer.",
		"Re-run the export; license counts are whole numbers of zero or more.")
)

// Reconciliation rules: the detailed and anonymous CSV of one export agree.
var (
	ruleReconCustomerSet = newRule("recon.customer-set", finding.Error,
		"Customer PKIDs differ between the detailed and the anonymous CSV.",
		"Send the detailed and anonymous CSV of the same export; re-run it if they disagree.")
	ruleReconCountMismatch = newRule("recon.count-mismatch", finding.Error,
		"A count differs for one customer between the detailed and the anonymous CSV.",
		"Re-run the export; both CSVs are written from the same audit and must agree.")
	ruleReconColumns = newRule("recon.columns", finding.Warning,
		"The count columns differ between the detailed and the anonymous CSV.",
		"Use the detailed and anonymous CSV of the same export and release.")
)
