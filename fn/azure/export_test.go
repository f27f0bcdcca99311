package azure

// PremiumV2 is premiumV2, for the tests that pin it.
var PremiumV2 = premiumV2
