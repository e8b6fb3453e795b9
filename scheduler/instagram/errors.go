package instagram

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Kind says where an Error came from.
type Kind int

// The kinds of Error.
const (
	// KindAPI is an error body from the Graph API ({"error": {...}}).
	KindAPI Kind = iota
	// KindNetwork is a transport failure or timeout: no answer was read.
	KindNetwork
	// KindBadResponse is an answer that is not what the API documents
	// (non-JSON, missing fields, unknown status, too large).
	KindBadResponse
	// KindConfig is a missing or broken setting (user_id, access_token, api_base).
	KindConfig
	// KindBadRequest is a call the client refused to send (empty id or image_url).
	KindBadRequest
	// KindNotReady is a container still IN_PROGRESS after Deliver's bounded checks.
	KindNotReady
	// KindContainerFailed is a container whose status_code is ERROR or
	// EXPIRED right after it was made.
	KindContainerFailed
)

// Error is a Graph API (or transport) error with a comms-friendly message.
// Its text never contains the access token.
type Error struct {
	// Code and Subcode are the Graph API's error.code and error.error_subcode.
	Code, Subcode int
	// Type is error.type (e.g. OAuthException); FBTrace is error.fbtrace_id.
	Type, FBTrace string
	// Transient is error.is_transient.
	Transient bool
	// Status is the HTTP status (0 when no answer was read).
	Status int
	// Message is the API's message (or a description of the failure),
	// with the access token removed.
	Message string

	// Kind says where the error came from.
	Kind Kind
	// Op is the step that failed: "create container", "container status",
	// "publish", "publishing limit".
	Op string
	// Timeout is set when no answer came in time.
	Timeout bool
	// ContainerID is the container concerned, when known.
	ContainerID string
	// Err is the underlying transport error, if any (its text redacted).
	Err error
}

// Unwrap returns the underlying transport error.
func (e *Error) Unwrap() error { return e.Err }

// Error includes the step, code/subcode, type, HTTP status and fbtrace id;
// never the access token.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("instagram: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	switch e.Kind {
	case KindAPI:
		fmt.Fprintf(&b, "Graph API error %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, "/%d", e.Subcode)
		}
		var meta []string
		if e.Type != "" {
			meta = append(meta, e.Type)
		}
		if e.Status != 0 {
			meta = append(meta, "HTTP "+strconv.Itoa(e.Status))
		}
		if e.Transient {
			meta = append(meta, "transient")
		}
		if len(meta) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(meta, ", "))
		}
		if e.Message != "" {
			b.WriteString(": ")
			b.WriteString(e.Message)
		}
		if e.FBTrace != "" {
			fmt.Fprintf(&b, " [fbtrace_id %s]", e.FBTrace)
		}
	case KindNetwork:
		b.WriteString("network error: ")
		b.WriteString(e.Message)
	case KindBadResponse:
		b.WriteString("unexpected response: ")
		b.WriteString(e.Message)
	case KindConfig:
		b.WriteString("configuration: ")
		b.WriteString(e.Message)
	default:
		b.WriteString(e.Message)
	}
	if e.ContainerID != "" {
		fmt.Fprintf(&b, " (container %s)", e.ContainerID)
	}
	return b.String()
}

// category groups error codes by what a comms worker should do.
type category int

const (
	catUnknown category = iota
	catToken
	catPermission
	catRateLimit
	catPublishLimit
	catServer
	catMediaFetch
	catNotReady
	catMediaFormat
	catCaption
	catContainerExpired
	catAccountRestricted
	catSpam
	catInvalidParam
	catNetwork
	catBadResponse
	catConfig
	catContainerFailed
)

// Subcodes of content publishing (Instagram Platform → Error Codes).
// "verified" = seen with its number in Meta's error-codes page during
// development; "description verified" = the row's text was seen but the
// number was cut off, the number is from memory of that table;
// "unverified" = from memory and third-party code, not seen in Meta's docs.
var subcodeCategory = map[int]category{
	2207001: catServer,            // -1: Instagram server error. Try again. (verified)
	2207003: catMediaFetch,        // -2: It takes too long to download the media (verified)
	2207020: catContainerExpired,  // -2: media expired, generate a new container (verified)
	2207032: catServer,            // -1: Create media fail, please try to re-create media (verified)
	2207053: catServer,            // -1: unknown upload error, new container (verified)
	2207051: catSpam,              // 4: activity restricted, suspected spam (verified)
	2207042: catPublishLimit,      // 9: maximum number of posts reached (verified)
	2207004: catMediaFormat,       // 36000: image too large, < 8 MiB (verified)
	2207006: catPermission,        // 24: media not found, permission/expired token (description verified)
	2207008: catServer,            // 24: temporary error publishing a container (description verified)
	2207050: catAccountRestricted, // 25: account inactive, checkpointed or restricted (description verified)
	2207023: catMediaFormat,       // 100: media type not one of the expected (description verified)
	2207005: catMediaFormat,       // 36001: unsupported image format (unverified)
	2207009: catMediaFormat,       // 36003: aspect ratio not supported (unverified)
	2207026: catMediaFormat,       // 352: unsupported video format (unverified)
	2207010: catCaption,           // 36004: caption too long (unverified)
	2207052: catMediaFetch,        // 9004: media could not be fetched from the URI (unverified; third-party code)
	2207027: catNotReady,          // 9007: media not ready for publishing (unverified; third-party code)
}

// codeCategory maps error.code when the subcode says nothing.
var codeCategory = map[int]category{
	190: catToken,      // Access token has expired / invalid (verified: Graph API error handling)
	102: catToken,      // API session (verified)
	10:  catPermission, // API permission denied (verified)
	3:   catPermission, // API method: capability or permission issue (verified)
	4:   catRateLimit,  // API too many calls (verified)
	17:  catRateLimit,  // API user too many calls (verified)
	341: catRateLimit,  // application limit reached (verified)
	32:  catRateLimit,  // page-level throttling (verified only in a copy of the rate-limiting docs)
	613: catRateLimit,  // custom-level throttling (verified only in a copy of the rate-limiting docs)
	// 80002: Instagram business-use-case throttling (unverified).
	80002: catRateLimit,
	1:     catServer,            // API unknown, possibly temporary (verified)
	2:     catServer,            // API service, temporary (verified)
	368:   catAccountRestricted, // temporarily blocked for policy violations (verified)
	9004:  catMediaFetch,        // media download failed (unverified; third-party code)
	9007:  catNotReady,          // media not ready (unverified; third-party code)
	36000: catMediaFormat,       // image size too large (verified, sample response)
	36001: catMediaFormat,       // unverified
	36003: catMediaFormat,       // unverified
	352:   catMediaFormat,       // unverified
	36004: catCaption,           // unverified
	100:   catInvalidParam,      // invalid parameter (well known; not seen in this session's excerpts)
	24:    catInvalidParam,      // Instagram error-codes page uses 24 for bad container ids (description verified)
	9:     catPublishLimit,      // 9/2207042 (verified with that subcode)
}

func (e *Error) category() category {
	switch e.Kind {
	case KindNetwork:
		return catNetwork
	case KindConfig, KindBadRequest:
		return catConfig
	case KindNotReady:
		return catNotReady
	case KindContainerFailed:
		if c, ok := subcodeCategory[e.Subcode]; ok {
			return c
		}
		return catContainerFailed
	case KindBadResponse:
		if e.Status >= 500 {
			return catServer
		}
		if e.Status == http.StatusTooManyRequests {
			return catRateLimit
		}
		return catBadResponse
	}
	if c, ok := subcodeCategory[e.Subcode]; ok {
		return c
	}
	if c, ok := codeCategory[e.Code]; ok {
		return c
	}
	switch {
	case e.Code >= 200 && e.Code <= 299: // API permission (verified: 200-299)
		return catPermission
	case e.Type == "OAuthException" && e.Subcode == 0 && e.Status == http.StatusUnauthorized:
		return catToken
	case e.Status >= 500:
		return catServer
	case e.Status == http.StatusTooManyRequests:
		return catRateLimit
	case e.Status == http.StatusUnauthorized:
		return catToken
	case e.Status == http.StatusForbidden:
		return catPermission
	}
	return catUnknown
}

// Retryable says whether trying again later can succeed without a person
// doing something: transient errors, rate limits, 5xx and timeouts are;
// token, permission, media format and account problems are not.
func (e *Error) Retryable() bool {
	switch e.category() {
	case catToken, catPermission, catMediaFormat, catCaption, catAccountRestricted, catSpam, catConfig, catInvalidParam:
		return false
	case catRateLimit, catPublishLimit, catServer, catMediaFetch, catNotReady, catContainerExpired, catNetwork, catContainerFailed:
		return true
	case catBadResponse:
		return e.Transient
	}
	return e.Transient || e.Status >= 500
}

// NeedsNewContainer says whether the container concerned can no longer be
// published and the next attempt must create a new one (Deliver does this
// by itself when it sees EXPIRED or ERROR).
func (e *Error) NeedsNewContainer() bool {
	switch e.Subcode {
	case 2207020, 2207053, 2207032:
		return true
	}
	return e.Kind == KindContainerFailed
}

// Explain tells a comms worker, in Finnish (lang "fi…") or English
// (anything else), what happened and what to do. The codes are appended
// for whoever maintains the service.
func (e *Error) Explain(lang string) string {
	fi := isFinnish(lang)
	var msg string
	pick := func(f, en string) {
		if fi {
			msg = f
		} else {
			msg = en
		}
	}
	switch e.category() {
	case catToken:
		pick("Instagramin käyttöoikeus (access token) on vanhentunut tai peruttu. Pyydä ylläpitäjää uusimaan se; julkaisu ei onnistu ennen sitä.",
			"Instagram's access token has expired or was revoked. Ask an administrator to renew it; nothing can be published until then.")
	case catPermission:
		pick("Kysyltä puuttuu lupa julkaista Instagram-tilille (esim. instagram_content_publish). Pyydä ylläpitäjää yhdistämään tili uudelleen kaikin luvin.",
			"Kysy lacks permission to publish to the Instagram account (e.g. instagram_content_publish). Ask an administrator to reconnect the account with all permissions.")
	case catRateLimit:
		pick("Instagram rajoittaa hetkellisesti pyyntöjen määrää. Julkaisua yritetään automaattisesti myöhemmin uudelleen; sinun ei tarvitse tehdä mitään.",
			"Instagram is temporarily limiting the number of requests. The post will be retried automatically later; you need not do anything.")
	case catPublishLimit:
		pick("Instagram-tilin julkaisuraja (julkaisuja 24 tunnissa) on täynnä. Julkaisua yritetään myöhemmin uudelleen; harvenna Instagram-ajastuksia.",
			"The Instagram account's publishing limit (posts per 24 hours) is reached. The post will be retried later; schedule fewer Instagram posts.")
	case catServer:
		pick("Instagramissa on tilapäinen häiriö. Julkaisua yritetään automaattisesti uudelleen; jos vika jatkuu tunteja, kerro ylläpitäjälle.",
			"Instagram has a temporary fault. The post will be retried automatically; if it goes on for hours, tell an administrator.")
	case catMediaFetch:
		pick("Instagram ei saanut haettua julkaisun kuvakorttia Kysyn palvelimelta. Julkaisua yritetään uudelleen; jos vika toistuu, pyydä ylläpitäjää tarkistamaan, että palvelu (http.base_url) näkyy julkisesti internetiin.",
			"Instagram could not download the post's card image from Kysy's server. It will be retried; if this repeats, ask an administrator to check that the site (http.base_url) is publicly reachable.")
	case catNotReady:
		pick("Instagram käsittelee vielä julkaisun kuvaa. Julkaisua yritetään hetken päästä uudelleen; sinun ei tarvitse tehdä mitään.",
			"Instagram is still processing the post's image. It will be retried shortly; you need not do anything.")
	case catMediaFormat:
		pick("Instagram hylkäsi kuvakortin (koko, tiedostomuoto tai kuvasuhde ei kelpaa). Uudelleenyritys ei auta: kerro ylläpitäjälle.",
			"Instagram rejected the card image (size, file format or aspect ratio). Retrying will not help: tell an administrator.")
	case catCaption:
		pick("Instagram hylkäsi kuvatekstin (esim. liian pitkä tai liikaa aihetunnisteita). Muokkaa tekstiä ja ajasta julkaisu uudelleen.",
			"Instagram rejected the caption (e.g. too long or too many hashtags). Edit the text and schedule the post again.")
	case catContainerExpired:
		pick("Instagramin julkaisuvalmistelu vanheni ennen julkaisua. Seuraavalla yrityksellä tehdään uusi; sinun ei tarvitse tehdä mitään.",
			"Instagram's prepared post expired before publishing. The next attempt prepares a new one; you need not do anything.")
	case catContainerFailed:
		pick("Instagram ei saanut julkaisua valmiiksi. Seuraavalla yrityksellä tehdään uusi; jos vika toistuu, kerro ylläpitäjälle.",
			"Instagram could not finish preparing the post. The next attempt prepares a new one; if this repeats, tell an administrator.")
	case catAccountRestricted:
		pick("Instagram on rajoittanut tiliä (tili ei ole aktiivinen, vaatii vahvistuksen tai on estetty). Kirjaudu Instagram-sovellukseen tilin tunnuksilla ja tee sen pyytämät toimet; kerro ylläpitäjälle.",
			"Instagram has restricted the account (inactive, needs a check or blocked). Log in to the Instagram app with the account and complete what it asks; tell an administrator.")
	case catSpam:
		pick("Instagram epäilee julkaisua roskapostiksi ja esti sen. Uudelleenyritys ei auta; kerro ylläpitäjälle, joka voi pyytää Instagramilta tarkistusta.",
			"Instagram suspects the post is spam and blocked it. Retrying will not help; tell an administrator, who can ask Instagram for a review.")
	case catInvalidParam:
		pick("Instagram hylkäsi pyynnön virheellisenä (esim. tilin tunnus tai julkaisun tunnus ei kelpaa). Kerro ylläpitäjälle.",
			"Instagram rejected the request as invalid (e.g. a wrong account or container id). Tell an administrator.")
	case catNetwork:
		if e.Timeout {
			pick("Instagram ei vastannut ajoissa (aikakatkaisu). Julkaisua yritetään automaattisesti uudelleen, ja ensin tarkistetaan, ehtikö se jo julkaistua, joten tuplajulkaisua ei synny.",
				"Instagram did not answer in time (timeout). The post will be retried automatically, first checking whether it already went out, so it will not be posted twice.")
		} else {
			pick("Instagramiin ei saatu yhteyttä. Julkaisua yritetään automaattisesti uudelleen; jos vika jatkuu, kerro ylläpitäjälle.",
				"Could not connect to Instagram. The post will be retried automatically; if this goes on, tell an administrator.")
		}
	case catBadResponse:
		pick("Instagram vastasi odottamattomalla tavalla. Kerro ylläpitäjälle; julkaisun tila tarkistetaan ennen uutta yritystä.",
			"Instagram answered in an unexpected way. Tell an administrator; the post's state is checked before any new attempt.")
	case catConfig:
		pick("Instagram-kanavan asetuksissa on vika ("+e.Message+"). Kerro ylläpitäjälle.",
			"The Instagram channel is misconfigured ("+e.Message+"). Tell an administrator.")
	default:
		if e.Retryable() {
			pick("Instagram palautti virheen. Julkaisua yritetään automaattisesti uudelleen.",
				"Instagram returned an error. The post will be retried automatically.")
		} else {
			pick("Instagram palautti virheen, jota Kysy ei tunnista. Kerro ylläpitäjälle.",
				"Instagram returned an error Kysy does not recognise. Tell an administrator.")
		}
	}
	if e.Kind == KindAPI || e.Subcode != 0 {
		code := strconv.Itoa(e.Code)
		if e.Subcode != 0 {
			code += "/" + strconv.Itoa(e.Subcode)
		}
		if fi {
			msg += " (virhekoodi " + code + ")"
		} else {
			msg += " (error code " + code + ")"
		}
	}
	return msg
}

// Explain is Explain for any error of this package (*Error, *QuotaError,
// *CaptionError, ErrUnpublishRefused) with a generic fallback.
func Explain(err error, lang string) string {
	if err == nil {
		return ""
	}
	fi := isFinnish(lang)
	if errors.Is(err, ErrUnpublishRefused) {
		if fi {
			return "Instagramiin julkaistua kuvaa ei voi poistaa Kysystä käsin, koska Instagramin rajapinta ei salli sitä. Poista julkaisu Instagram-sovelluksessa tilin tunnuksilla."
		}
		return "A post published on Instagram cannot be removed from Kysy: Instagram's API does not allow it. Delete the post in the Instagram app with the account's login."
	}
	var ex interface{ Explain(string) string }
	if errors.As(err, &ex) {
		return ex.Explain(lang)
	}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		var parts []string
		for _, e := range joined.Unwrap() {
			parts = append(parts, Explain(e, lang))
		}
		return strings.Join(parts, " ")
	}
	if fi {
		return "Instagram-julkaisussa tapahtui virhe. Kerro ylläpitäjälle."
	}
	return "Publishing to Instagram failed. Tell an administrator."
}

func isFinnish(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "fi" || strings.HasPrefix(l, "fi-") || strings.HasPrefix(l, "fi_")
}

// subcodeInText finds an Instagram subcode (2207xxx) in a container's
// status text, e.g. "Error: Media download has failed. (2207052)".
var subcodeInText = regexp.MustCompile(`\b2207\d{3}\b`)

func subcodeFrom(text string) int {
	if m := subcodeInText.FindString(text); m != "" {
		n, _ := strconv.Atoi(m)
		return n
	}
	return 0
}
