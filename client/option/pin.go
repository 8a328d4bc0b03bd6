package option

// Pin configures pinning (or unpinning) a message.
type Pin interface {
	ApplyPin(*PinParams)
}

// PinParams is what the options of a pin set.
type PinParams struct {
	// Silent pins without notifying the chat's members.
	Silent bool
	// OneSide pins a message of a private chat for the account only.
	OneSide bool
	// BusinessConnectionID pins on behalf of the business account of this connection
	// (invokeWithBusinessConnection); empty for the account itself.
	BusinessConnectionID string
}

// CollectPin applies opts in order to a zero PinParams; nil options are skipped.
func CollectPin(opts []Pin) PinParams { return collect(opts, Pin.ApplyPin) }

// PinFunc is a Pin built from a function.
type PinFunc func(*PinParams)

// ApplyPin implements Pin.
func (f PinFunc) ApplyPin(p *PinParams) { f(p) }

// Silent is the option that both sends and pins without a notification: it is a Send and a
// Pin.
type Silent struct{}

// ApplySend implements Send.
func (Silent) ApplySend(p *SendParams) { p.Silent = true }

// ApplyPin implements Pin.
func (Silent) ApplyPin(p *PinParams) { p.Silent = true }

var (
	_ Pin  = PinFunc(nil)
	_ Send = Silent{}
	_ Pin  = Silent{}
)
