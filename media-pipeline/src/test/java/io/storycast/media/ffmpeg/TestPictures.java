package io.storycast.media.ffmpeg;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.ShortPointer;

import java.util.Arrays;
import java.util.Random;

/**
 * The pictures of the test clips. 8-bit limited-range 4:2:0: the left half red, the right half blue, a grey
 * box moving across (so orientation and cropping show and the encoder has motion to code), optionally a green
 * band on top; white frames as sync marks; a panning texture. 10-bit 4:2:2 BT.2020 for HDR: bands of known
 * luminance; a scene with the statistics of camera footage.
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

    /**
     * A scene like a phone's footage of the world, for benchmarks: a picture with the spectrum of natural images
     * (detail at every scale, each octave's contrast falling with its frequency, as in photographs), hard edges
     * (buildings with lit windows, a brighter sky), soft colour, panned by a slow hand-held camera (2 pixels right and about 1
     * down a frame, with a jitter) under a faint grain (plus or minus 1, from a few precomputed fields, as a
     * phone's denoiser leaves it).
     */
    static final class Scene {
        private static final int GRAIN_FIELDS = 7;
        private final int width;
        private final int height;
        private final byte[][] luma;
        private final byte[][] chroma;
        private final byte[][] grain;

        Scene(int width, int height, int frames) {
            this.width = width;
            this.height = height;
            int wide = width + 2 * frames + 16;
            int tall = height + frames + 16;
            Random random = new Random(7);
            float[][] value = new float[tall][wide];
            for (int wavelength = 512, octave = 0; wavelength >= 2; wavelength /= 2, octave++) {
                addOctave(value, wavelength, 18.0 * Math.sqrt(wavelength / 512.0) + 2, random);
            }
            luma = new byte[tall][wide];
            for (int y = 0; y < tall; y++) {
                double sky = y < tall / 3 ? 40.0 * (tall / 3 - y) / (tall / 3.0) : 0; // a brighter sky over the horizon
                for (int x = 0; x < wide; x++) {
                    boolean building = (x / 173) % 3 == 0 && y > tall / 3 + (x % 97);
                    boolean window = building && x % 24 < 12 && y % 32 < 16;
                    double edges = window ? 30 : building ? -45 : 0; // dark buildings with lit windows
                    luma[y][x] = (byte) Math.max(16, Math.min(235, Math.round(110 + sky + edges + value[y][x])));
                }
            }
            float[][] tint = new float[tall / 2][wide / 2];
            addOctave(tint, 256, 14, random);
            addOctave(tint, 64, 5, random);
            chroma = new byte[tall / 2][wide / 2];
            for (int y = 0; y < tall / 2; y++) {
                for (int x = 0; x < wide / 2; x++) {
                    chroma[y][x] = (byte) Math.round(128 + tint[y][x]);
                }
            }
            grain = new byte[GRAIN_FIELDS][width * height];
            for (byte[] field : grain) {
                for (int i = 0; i < field.length; i++) {
                    field[i] = (byte) (random.nextInt(3) - 1);
                }
            }
        }

        /** Adds value noise of this wavelength (a random lattice, smoothly interpolated), amplitude {@code contrast}. */
        private static void addOctave(float[][] into, int wavelength, double contrast, Random random) {
            int rows = into.length / wavelength + 2;
            int columns = into[0].length / wavelength + 2;
            float[][] lattice = new float[rows][columns];
            for (float[] row : lattice) {
                for (int i = 0; i < columns; i++) {
                    row[i] = (float) ((random.nextDouble() * 2 - 1) * contrast);
                }
            }
            for (int y = 0; y < into.length; y++) {
                int ly = y / wavelength;
                double fy = smooth((y % wavelength) / (double) wavelength);
                for (int x = 0; x < into[y].length; x++) {
                    int lx = x / wavelength;
                    double fx = smooth((x % wavelength) / (double) wavelength);
                    double top = lattice[ly][lx] + (lattice[ly][lx + 1] - lattice[ly][lx]) * fx;
                    double bottom = lattice[ly + 1][lx] + (lattice[ly + 1][lx + 1] - lattice[ly + 1][lx]) * fx;
                    into[y][x] += (float) (top + (bottom - top) * fy);
                }
            }
        }

        private static double smooth(double t) {
            return t * t * (3 - 2 * t);
        }

        void paint(AVFrame frame, int index) {
            int jitter = (index * 7919) % 5 - 2; // a hand's small shake, -2 to 2 pixels
            int left = Math.max(0, 2 * index + 8 + jitter);
            int top = Math.max(0, index / 2 + 8 + jitter / 2);
            byte[] field = grain[index % GRAIN_FIELDS];
            byte[] row = new byte[width];
            for (int y = 0; y < height; y++) {
                byte[] source = luma[top + y];
                for (int x = 0; x < width; x++) {
                    row[x] = (byte) ((source[left + x] & 0xff) + field[y * width + x]);
                }
                frame.data(0).position((long) y * frame.linesize(0)).put(row, 0, width);
            }
            for (int y = 0; y < height / 2; y++) {
                frame.data(1).position((long) y * frame.linesize(1)).put(chroma[top / 2 + y], left / 2, width / 2);
                frame.data(2).position((long) y * frame.linesize(2)).put(chroma[chroma.length - 1 - top / 2 - y], left / 2, width / 2);
            }
        }
    }
}
