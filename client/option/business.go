package option

// Business names the business connection a call goes through (invokeWithBusinessConnection):
// it sends, edits and pins on behalf of the business account connected to the bot. It is a
// Send, an Edit and a Pin.
type Business string

// ApplySend implements Send.
func (b Business) ApplySend(p *SendParams) { p.BusinessConnectionID = string(b) }

// ApplyEdit implements Edit.
func (b Business) ApplyEdit(p *EditParams) { p.BusinessConnectionID = string(b) }

// ApplyPin implements Pin.
func (b Business) ApplyPin(p *PinParams) { p.BusinessConnectionID = string(b) }

var (
	_ Send = Business("")
	_ Edit = Business("")
	_ Pin  = Business("")
)
