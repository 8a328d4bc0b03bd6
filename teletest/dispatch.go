package teletest

import (
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxWrapperDepth bounds how many wrappers innerMethod, innerOffset and announcedLayer look
// through: as deep as a decoded request nests, so no wrapped call is taken for its wrapper
// (a call waiting for a bot would then block its connection, a fault would miss it).
const maxWrapperDepth = tl.MaxDepth

// innerMethod returns the constructor id of the method a request finally invokes, looking
// through invokeWithLayer, initConnection and the other wrappers, so network faults aimed at a
// method fire however the client wrapped it; withoutUpdates reports an invokeWithoutUpdates
// among the wrappers.
func innerMethod(req tl.Object) (method uint32, withoutUpdates bool) {
	for range maxWrapperDepth {
		var q tl.Encoder
		switch r := req.(type) {
		case *tg.InvokeWithLayerRequest:
			q = r.Query
		case *tg.InitConnectionRequest:
			q = r.Query
		case *tg.InvokeWithoutUpdatesRequest:
			q = r.Query
			withoutUpdates = true
		case *tg.InvokeAfterMsgRequest:
			q = r.Query
		case *tg.InvokeAfterMsgsRequest:
			q = r.Query
		case *tg.InvokeWithMessagesRangeRequest:
			q = r.Query
		case *tg.InvokeWithTakeoutRequest:
			q = r.Query
		case *tg.InvokeWithBusinessConnectionRequest:
			q = r.Query
		case *tg.InvokeWithGooglePlayIntegrityRequest:
			q = r.Query
		case *tg.InvokeWithApnsSecretRequest:
			q = r.Query
		case *tg.InvokeWithReCaptchaRequest:
			q = r.Query
		default:
			return req.TypeID(), withoutUpdates
		}
		inner, ok := q.(tl.Object)
		if !ok || inner == nil {
			return req.TypeID(), withoutUpdates
		}
		req = inner
	}
	return req.TypeID(), withoutUpdates
}
