package gcp

// HyperdiskBalanced is hyperdiskBalanced, for the tests that pin it.
var HyperdiskBalanced = hyperdiskBalanced
