#!/usr/bin/env bash
# test-video.sh checks mandel zoom --video with the ffmpeg installed here:
# a tiny zoom (4 frames of 32x18 down to 1e-30) into an MP4 that ffprobe
# must find to be 4 frames of H.264 in yuv420p at 32x18. The Go test
# TestZoomVideo checks the same, and skips without ffmpeg; this leg of
# make test says in one line whether the video was checked, as
# test-arm64 and test-slurm do. Without ffmpeg it says so and skips: make
# test installs nothing; .ci/run installs ffmpeg (apt-get install ffmpeg).
#
# Usage: scripts/test-video.sh [MANDEL]   (default bin/mandel)
set -euo pipefail
cd "$(dirname "$0")/.."
mandel=${1:-bin/mandel}
for p in ffmpeg ffprobe; do
	if ! command -v "$p" >/dev/null; then
		echo "test-video: skipped: $p is missing, so the MP4 of mandel zoom --video was not checked (apt-get install ffmpeg)"
		exit 0
	fi
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$mandel" zoom --center 0,1 --scale 1e-30 --frames 4 --size 32x18 -m 400 --video "$dir/z.mp4" "$dir/f-%05d.png"
got=$(ffprobe -v error -select_streams v:0 -count_frames \
	-show_entries stream=codec_name,width,height,pix_fmt,nb_read_frames -of default=noprint_wrappers=1 "$dir/z.mp4" | sort | tr '\n' ' ')
want="codec_name=h264 height=18 nb_read_frames=4 pix_fmt=yuv420p width=32 "
if [ "$got" != "$want" ]; then
	echo "test-video: FAIL: ffprobe says: $got; want: $want"
	exit 1
fi
echo "test-video: ok: mandel zoom --video wrote 4 frames of H.264 yuv420p 32x18 ($(ffmpeg -version | head -1 | cut -d' ' -f1-3))"
