package io.storycast.media.ffmpeg;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.ShortPointer;

import java.util.Arrays;
import java.util.Random;

/**
 * The pictures of the test clips. 8-bit limited-range 4:2:0: the left half red, the right half blue, a grey
 * box moving across (so orientation and cropping show and the encoder has motion to code), optionally a green
 * band on top; white frames as sync marks; a panning texture. 10-bit 4:2:2 BT.2020 for HDR: bands of known
 * luminance.
 */
final class TestPictures {
    /** When the sync marks start (seconds), each lasting {@link #MARK_SECONDS}: on picture boundaries at 25 and 30 fps. */
    static final double[] MARKS = {0.4, 1.4, 2.4, 3.4, 4.4, 5.4, 6.4, 7.4, 8.4, 9.4};
    static final double MARK_SECONDS = 0.1;
    /** Limited-range YUV: red is Y 81, U 90, V 240; blue is Y 41, U 240, V 110; green is Y 145, U 54, V 34. */
    static final int[] RED = {81, 90, 240};
    static final int[] BLUE = {41, 240, 110};
    static final int[] GREEN = {145, 54, 34};
    /** The nits of the HDR clip's left and right halves; its bottom quarter is BT.709 red at the left's nits. */
    static final double HDR_LEFT_NITS = 100;
    static final double HDR_RIGHT_NITS = 1000;

    private TestPictures() {
    }

    /** @return whether {@code seconds} falls within a sync mark */
    static boolean marked(double seconds) {
        for (double mark : MARKS) {
            if (seconds >= mark - 1e-9 && seconds < mark + MARK_SECONDS - 1e-9) {
                return true;
            }
        }
        return false;
    }

    static void paint(AVFrame frame, int index, boolean topBand) {
        int width = frame.width();
        int height = frame.height();
        int box = Math.max(8, Math.min(width, height) / 8) & ~1;
        int boxX = (index * 4) % Math.max(1, width - box) & ~1;
        int boxY = (height / 2 - box / 2) & ~1;
        int band = topBand ? (height / 8) & ~1 : 0;
        for (int y = 0; y < height; y += 2) {
            for (int half = 0; half < 2; half++) {
                int[] colour = y < band ? GREEN : half == 0 ? RED : BLUE;
                int from = half * width / 2;
                int to = half == 0 ? width / 2 : width;
                fillRows(frame, y, from, to, colour);
            }
            if (y >= boxY && y < boxY + box) {
                fillRows(frame, y, boxX, boxX + box, new int[]{128, 128, 128});
            }
        }
    }

    static void paintWhite(AVFrame frame) {
        for (int y = 0; y < frame.height(); y += 2) {
            fillRows(frame, y, 0, frame.width(), new int[]{235, 128, 128});
        }
    }

    /** Fills rows {@code y} and {@code y+1} from {@code from} to {@code to} (even) with one colour. */
    private static void fillRows(AVFrame frame, int y, int from, int to, int[] yuv) {
        byte[] luma = new byte[to - from];
        Arrays.fill(luma, (byte) yuv[0]);
        frame.data(0).position((long) y * frame.linesize(0) + from).put(luma, 0, luma.length);
        frame.data(0).position((long) (y + 1) * frame.linesize(0) + from).put(luma, 0, luma.length);
        byte[] chroma = new byte[(to - from) / 2];
        Arrays.fill(chroma, (byte) yuv[1]);
        frame.data(1).position((long) (y / 2) * frame.linesize(1) + from / 2).put(chroma, 0, chroma.length);
        Arrays.fill(chroma, (byte) yuv[2]);
        frame.data(2).position((long) (y / 2) * frame.linesize(2) + from / 2).put(chroma, 0, chroma.length);
    }

    /**
     * 10-bit 4:2:2 BT.2020 (non-constant luminance) limited range, in PQ or HLG: the left half grey at
     * {@link #HDR_LEFT_NITS}, the right half at {@link #HDR_RIGHT_NITS}, the bottom quarter of the left half
     * BT.709's red at {@link #HDR_LEFT_NITS}. HLG is taken as shown on a 1000-nit display.
     */
    static void paintHdr(AVFrame frame, TestClip.Transfer transfer) {
        int width = frame.width();
        int height = frame.height();
        int[] left = hdrYuv(transfer, HDR_LEFT_NITS, HDR_LEFT_NITS, HDR_LEFT_NITS);
        int[] right = hdrYuv(transfer, HDR_RIGHT_NITS, HDR_RIGHT_NITS, HDR_RIGHT_NITS);
        // BT.709 red, in BT.2020 primaries (ITU-R BT.2087's matrix), at the left half's light.
        int[] red = hdrYuv(transfer, 0.6274 * HDR_LEFT_NITS, 0.0691 * HDR_LEFT_NITS, 0.0164 * HDR_LEFT_NITS);
        ShortPointer lumaPlane = new ShortPointer(frame.data(0));
        ShortPointer cbPlane = new ShortPointer(frame.data(1));
        ShortPointer crPlane = new ShortPointer(frame.data(2));
        short[] luma = new short[width];
        short[] cb = new short[width / 2];
        short[] cr = new short[width / 2];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] colour = x >= width / 2 ? right : y >= height * 3 / 4 ? red : left;
                luma[x] = (short) colour[0];
                cb[x / 2] = (short) colour[1];
                cr[x / 2] = (short) colour[2];
            }
            lumaPlane.position((long) y * frame.linesize(0) / 2).put(luma);
            cbPlane.position((long) y * frame.linesize(1) / 2).put(cb);
            crPlane.position((long) y * frame.linesize(2) / 2).put(cr);
        }
    }

    /** @return 10-bit limited-range Y, Cb, Cr (BT.2020 NCL) of linear light in nits per BT.2020 primary */
    private static int[] hdrYuv(TestClip.Transfer transfer, double red, double green, double blue) {
        double r = encode(transfer, red);
        double g = encode(transfer, green);
        double b = encode(transfer, blue);
        double luma = 0.2627 * r + 0.6780 * g + 0.0593 * b;
        double cb = (b - luma) / 1.8814;
        double cr = (r - luma) / 1.4746;
        return new int[]{(int) Math.round(64 + 876 * luma), (int) Math.round(512 + 896 * cb), (int) Math.round(512 + 896 * cr)};
    }

    /** PQ (SMPTE ST 2084) of absolute nits, or HLG (ARIB STD-B67) of the scene light a 1000-nit display shows as {@code nits}. */
    private static double encode(TestClip.Transfer transfer, double nits) {
        if (transfer == TestClip.Transfer.PQ) {
            double m1 = 0.1593017578125;
            double m2 = 78.84375;
            double c1 = 0.8359375;
            double c2 = 18.8515625;
            double c3 = 18.6875;
            double power = Math.pow(nits / 10_000, m1);
            return Math.pow((c1 + c2 * power) / (1 + c3 * power), m2);
        }
        double scene = Math.pow(nits / 1000, 1 / 1.2); // the inverse of the OOTF's system gamma at 1000 nits
        double a = 0.17883277;
        double b = 0.28466892;
        double c = 0.55991073;
        return scene <= 1.0 / 12 ? Math.sqrt(3 * scene) : a * Math.log(12 * scene - b) + c;
    }

    /** Rows of a texture wider than the frame, so that each picture is a window panned 4 pixels on. */
    static final class Texture {
        private static final int PAN = 4;
        private final byte[][] luma;
        private final byte[][] chroma;

        Texture(int width, int height, int frames) {
            Random random = new Random(42);
            int wide = width + PAN * frames;
            luma = new byte[height][wide];
            chroma = new byte[height / 2][wide / 2];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < wide; x++) {
                    double value = 128 + 50 * Math.sin(x / 29.0) * Math.cos(y / 37.0) + 30 * Math.sin((x + y) / 97.0);
                    luma[y][x] = (byte) Math.max(16, Math.min(235, (int) value + random.nextInt(5) - 2));
                }
            }
            for (int y = 0; y < height / 2; y++) {
                for (int x = 0; x < wide / 2; x++) {
                    chroma[y][x] = (byte) (128 + 40 * Math.sin(x / 31.0 + y / 17.0));
                }
            }
        }

        void paint(AVFrame frame, int index) {
            int width = frame.width();
            for (int y = 0; y < frame.height(); y++) {
                frame.data(0).position((long) y * frame.linesize(0)).put(luma[y], PAN * index, width);
            }
            for (int y = 0; y < frame.height() / 2; y++) {
                frame.data(1).position((long) y * frame.linesize(1)).put(chroma[y], PAN * index / 2, width / 2);
                frame.data(2).position((long) y * frame.linesize(2)).put(chroma[frame.height() / 2 - 1 - y], PAN * index / 2, width / 2);
            }
        }
    }
}
