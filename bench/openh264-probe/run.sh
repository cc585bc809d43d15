#!/usr/bin/env bash
# How fast is an OpenH264 built with its assembly? Encodes the exact frames the transcoder feeds its encoder
# (VideoTranscodeBenchmark's textured and camera clips at 720x1280) with Debian's libopenh264 (assembly) and with
# the one JavaCPP's libavcodec links (USE_ASM=No), same settings, and prints CPU per 300 frames, bytes, PSNR/SSIM.
# See README.md. Not part of .ci/run or mvn verify.
#
#   bench/openh264-probe/run.sh            # from the repository root; RUNS=3 CLIPS="textured camera" WORK=/tmp/h264probe
#
# It runs `apt-get install -y libopenh264-dev ffmpeg gcc` when the header, the CLI or gcc is missing (Debian; root),
# and `mvn -o -q package -pl bench -am -DskipTests` when bench/target/benchmarks.jar is missing.
set -euo pipefail

cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
CLIPS=${CLIPS:-textured camera}
WORK=${WORK:-/tmp/h264probe}
JAR=bench/target/benchmarks.jar
PROBE=bench/openh264-probe/Probe.java
mkdir -p "$WORK"

if [ ! -f /usr/include/wels/codec_api.h ] || ! command -v ffmpeg >/dev/null || ! command -v gcc >/dev/null; then
    echo "installing libopenh264-dev, ffmpeg and gcc with apt-get" >&2
    apt-get install -y libopenh264-dev ffmpeg gcc >&2
fi
if [ ! -f "$JAR" ]; then
    mvn -o -q package -pl bench -am -DskipTests
fi
gcc -O2 -Wall -Wextra -o "$WORK/h264probe" bench/openh264-probe/h264probe.c -lopenh264
JAVACPP_FFMPEG=$(java -cp "$JAR" "$PROBE" ffmpeg)

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# system libopenh264: $(dpkg-query -W -f='${Package} ${Version}\n' 'libopenh264-*' 2>/dev/null | head -1);" \
    "SIMD kernels exported: $(nm -D "$(ldconfig -p | awk '/libopenh264.so/{print $NF; exit}')" | grep -cE '_(sse2|ssse3|sse41|sse42|avx2|mmx)$')"

# Median of the cpu_ms= field of lines matching $2 in file $1.
median() {
    grep -E "$2" "$1" | sed -E 's/.* cpu_ms=([0-9.]+).*/\1/' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}

# PSNR (average, Y U V weighted) and SSIM (All) of H.264 stream $1 against raw frames $2, frame by frame.
quality() {
    ffmpeg -hide_banner -nostats -i "$1" -f rawvideo -pix_fmt yuv420p -s 720x1280 -i "$2" -lavfi \
        "[0:v]settb=1/30,setpts=N,split[a1][a2];[1:v]settb=1/30,setpts=N,split[b1][b2];[a1][b1]psnr;[a2][b2]ssim" -f null - 2>&1 |
        awk '/PSNR/ {for (i = 1; i <= NF; i++) if ($i ~ /^average:/) {sub("average:", "", $i); p = $i}}
             /SSIM/ {for (i = 1; i <= NF; i++) if ($i ~ /^All:/) {sub("All:", "", $i); s = $i}} END {print p, s}'
}

frames_in() {
    ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames,width,height,profile -of csv=p=0 "$1"
}

ROWS=()
for clip in $CLIPS; do
    # 1. The frames: the clip VideoTranscodeBenchmark makes, through the transcoder's own filter chain, by the JavaCPP
    #    build's ffmpeg program (same libavfilter and libswscale as in process; bicubic, as the graph's default).
    if [ ! -f "$WORK/$clip.yuv" ]; then
        java -cp "$JAR" "$PROBE" clip "$clip" "$WORK/$clip.mp4"
        "$JAVACPP_FFMPEG" -hide_banner -loglevel error -y -i "$WORK/$clip.mp4" -an -filter_complex \
            "[0:v]null,split=1[s0];[s0]fps=30:start_time=0,scale=720:1280:force_original_aspect_ratio=increase:force_divisible_by=2:reset_sar=1:flags=bicubic,crop=720:1280,setsar=1,format=yuv420p[out0]" \
            -map "[out0]" -fps_mode passthrough -f rawvideo -pix_fmt yuv420p "$WORK/$clip.yuv" 2>/dev/null
    fi
    echo "# $clip: $(($(stat -c %s "$WORK/$clip.yuv") / 1382400)) frames 720x1280 in $WORK/$clip.yuv"
    for threads in 2 1; do
        log="$WORK/$clip-$threads.log"
        : > "$log"
        # 2. and 3., interleaved run by run so that load changes hit both builds alike.
        for run in $(seq "$RUNS"); do
            "$WORK/h264probe" "$WORK/$clip.yuv" "$threads" 1 "$WORK/system-$clip-$threads.h264" 2>/dev/null | sed "s/run=1/run=$run/" | tee -a "$log"
            java -cp "$JAR" "$PROBE" encode "$WORK/$clip.yuv" "$threads" 1 "$WORK/javacpp-$clip-$threads.h264" 2>/dev/null |
                sed "s/run=1/run=$run/" | tee -a "$log"
        done
        "$WORK/h264probe" "$WORK/$clip.yuv" "$threads" 1 "$WORK/quiet-$clip-$threads.h264" quiet 2>/dev/null | sed 's/^system/quiet/' | tee -a "$log"
        system=$(median "$log" '^system')
        javacpp=$(median "$log" '^javacpp')
        for build in system javacpp; do
            out="$WORK/$build-$clip-$threads.h264"
            read -r psnr ssim <<< "$(quality "$out" "$WORK/$clip.yuv")"
            cpu=$([ "$build" = system ] && echo "$system" || echo "$javacpp")
            ROWS+=("| \`$clip\` | $threads | $build | $cpu | $(awk -v c="$cpu" 'BEGIN {printf "%.1f", c / 300}') | $(stat -c %s "$out") | $(frames_in "$out") | $psnr | $ssim | $(awk -v s="$system" -v j="$javacpp" 'BEGIN {printf "%.2f", s / j}') |")
        done
    done
done

echo
echo "| clip | threads | build | CPU ms per 300 frames (median of $RUNS) | ms per frame | bytes | ffprobe: profile, w, h, frames | PSNR dB | SSIM | system / javacpp CPU |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg); per-run lines in $WORK/*.log (quiet: Debian's build with OpenH264's trace level at errors)"
