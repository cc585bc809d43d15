package io.storycast.loadtest;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Real media bytes made in the simulation, with no file and no outside tool: JPEGs written by the JDK's
 * {@code javax.imageio}, and MP4 videos whose frames are such JPEGs (Motion JPEG, {@link MotionJpegMp4}). The
 * pictures are a colour gradient with seeded boxes and grain, so the gateway's decoder and encoders do real
 * work (a flat picture would cost them almost nothing) and every seed gives other bytes.
 */
final class MediaSamples {
    private static final float JPEG_QUALITY = 0.9f;

    private MediaSamples() {
    }

    /** @return a baseline JPEG of {@code width x height} pixels */
    static byte[] jpeg(int width, int height, long seed) {
        return encode(picture(width, height, new Random(seed), 0));
    }

    /**
     * @param frames pictures in the clip; at {@code fps} per second
     * @return an MP4 of Motion JPEG frames with a box moving across them, no sound
     */
    static byte[] motionJpegMp4(int width, int height, int fps, int frames, long seed) {
        List<byte[]> jpegs = new ArrayList<>(frames);
        for (int frame = 0; frame < frames; frame++) {
            jpegs.add(encode(picture(width, height, new Random(seed), frame)));
        }
        return MotionJpegMp4.write(width, height, fps, jpegs);
    }

    private static BufferedImage picture(int width, int height, Random random, int frame) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int hue = random.nextInt(256);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int grain = random.nextInt(17) - 8;
                int red = clamp(255 * x / width + grain);
                int green = clamp(255 * y / height + grain);
                int blue = clamp(hue + grain);
                image.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        for (int box = 0; box < 6; box++) {
            int size = Math.max(4, Math.min(width, height) / (4 + random.nextInt(6)));
            int left = Math.floorMod(random.nextInt(width) + frame * width / 30, Math.max(1, width - size));
            int top = random.nextInt(Math.max(1, height - size));
            int colour = random.nextInt(0x1000000);
            for (int y = top; y < top + size; y++) {
                for (int x = left; x < left + size; x++) {
                    image.setRGB(x, y, colour);
                }
            }
        }
        return image;
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

    private static byte[] encode(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a JPEG", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
