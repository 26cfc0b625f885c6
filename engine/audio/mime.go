package audio

import "io"

// mimeTypes maps the formats sniff names to the media types a browser's
// audio element expects. Formats without a registered audio type fall back
// to application/octet-stream in ContentType.
var mimeTypes = map[string]string{
	"wav":      "audio/wav",
	"rf64":     "audio/wav",
	"rifx":     "audio/wav",
	"mp3":      "audio/mpeg",
	"mp2":      "audio/mpeg",
	"flac":     "audio/flac",
	"ogg":      "audio/ogg",
	"m4a":      "audio/mp4",
	"mp4":      "video/mp4",
	"mov":      "video/quicktime",
	"3gp":      "audio/3gpp",
	"webm":     "audio/webm",
	"mkv":      "video/x-matroska",
	"amr":      "audio/amr",
	"wma":      "audio/x-ms-wma",
	"aiff":     "audio/aiff",
	"caf":      "audio/x-caf",
	"au":       "audio/basic",
	"aac":      "audio/aac",
	"ac3":      "audio/ac3",
	"avi":      "video/x-msvideo",
	"flv":      "video/x-flv",
	"mpeg":     "video/mpeg",
	"mpegts":   "video/mp2t",
	"wavpack":  "audio/x-wavpack",
	"ape":      "audio/x-ape",
	"tta":      "audio/x-tta",
	"musepack": "audio/x-musepack",
	"rm":       "application/vnd.rn-realmedia",
}

// ContentType names the media type of the audio in r, which is size bytes
// long, by its magic bytes as the decoder sniffs them (never by file name).
// Input that is not recognised is application/octet-stream. r is left at an
// unspecified offset.
func ContentType(r io.ReadSeeker, size int64) string {
	s, _ := sniff(r, size)
	if t, ok := mimeTypes[s.format]; ok {
		return t
	}
	return "application/octet-stream"
}
