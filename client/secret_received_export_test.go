package mtgo

// OnSecretReceipt makes c call f with each max_qts the server took in messages.receivedQueue
// (f must not block or call c).
func OnSecretReceipt(c *Client, f func(maxQts int32)) {
	r := c.secretReceipts()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = f
}
