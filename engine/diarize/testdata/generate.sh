#!/usr/bin/env bash
# Regenerates the diarization test fixtures: short conversations spoken by
# espeak-ng voices, 16 kHz mono 16-bit WAV with light white noise, and for
# each a .ref file of "start end speaker" lines (seconds) giving the
# reference turns. Needs espeak-ng and sox:
#
#   apt-get install -y espeak-ng sox
#   engine/diarize/testdata/generate.sh
#
# The fixtures are committed; run this only to change them.
set -euo pipefail
cd "$(dirname "$0")"
for tool in espeak-ng sox soxi; do
	command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install -y espeak-ng sox" >&2; exit 1; }
done
# No dither and a fixed random seed, so that the output is reproducible.
export SOX_OPTS="-D -R"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# conversation NAME: reads "speaker voice speed pause text..." lines from
# stdin and writes NAME.wav and NAME.ref.
conversation() {
	local name=$1 i=0 t=0 parts=() spk voice speed pause text d
	: >"$name.ref"
	while read -r spk voice speed pause text; do
		sox -n -r 16000 -c 1 -b 16 "$tmp/p$i.wav" trim 0 "$pause"
		espeak-ng -v "$voice" -s "$speed" --stdout "$text" |
			sox -t wav - -r 16000 -c 1 -b 16 "$tmp/u$i.wav" \
				silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse
		d=$(soxi -D "$tmp/u$i.wav")
		t=$(awk -v t="$t" -v p="$pause" 'BEGIN { printf "%.3f", t + p }')
		awk -v t="$t" -v d="$d" -v s="$spk" 'BEGIN { printf "%.3f %.3f %d\n", t, t + d, s }' >>"$name.ref"
		t=$(awk -v t="$t" -v d="$d" 'BEGIN { printf "%.3f", t + d }')
		parts+=("$tmp/p$i.wav" "$tmp/u$i.wav")
		i=$((i + 1))
	done
	sox -n -r 16000 -c 1 -b 16 "$tmp/tail.wav" trim 0 0.5
	sox "${parts[@]}" "$tmp/tail.wav" "$tmp/clean.wav"
	sox -n -r 16000 -c 1 -b 16 "$tmp/noise.wav" synth "$(soxi -D "$tmp/clean.wav")" whitenoise vol 0.002
	sox -m -v 1 "$tmp/clean.wav" -v 1 "$tmp/noise.wav" -b 16 "$name.wav"
}

# Two speakers, a man and a woman, alternating; one turn follows back to back.
conversation two <<'TURNS'
0 en+m3 160 0.5 Good morning, thanks for joining the call today.
1 en+f2 150 0.6 I think we should start with the budget for next quarter.
0 en+m3 160 0.4 That sounds reasonable, but let me check the numbers first.
1 en+f2 150 0.02 Can you share the spreadsheet with the rest of the team?
0 en+m3 160 0.7 Sure, I will send it after this meeting.
1 en+f2 150 0.5 Great. What about the delay on the server migration?
0 en+m3 160 0.3 The vendor needs two more weeks to finish the installation.
1 en+f2 150 0.6 Then let's schedule a follow up for Thursday.
TURNS

# One speaker, several sentences with pauses.
conversation one <<'TURNS'
0 en+m7 155 0.5 The weather has been terrible all week, it rained every single day.
0 en+m7 155 0.7 My train was late again this morning, so I missed the first part.
0 en+m7 155 0.4 Who is responsible for the documentation?
0 en+m7 155 0.8 Maria wrote most of it, and Tom reviewed the examples.
TURNS
ls -l ./*.wav ./*.ref
