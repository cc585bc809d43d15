package io.storycast.media.openh264;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;

import static io.storycast.media.openh264.OpenH264Abi.*;

/**
 * One OpenH264 encoder of a {@link OpenH264Library}, set up as FFmpeg 8's {@code libopenh264} wrapper sets it
 * up for the transcoder (see {@link OpenH264Parameters}): pictures in, Annex B access units out, the SPS and
 * PPS apart ({@link #parameterSets()}) for the container's sample description.
 *
 * <p>Memory: the parameter, picture and bitstream-info structs are allocated once, off-heap, and freed by
 * {@link #close()}. The bytes {@link #parameterSets()} and {@link #picture()} return are views into
 * OpenH264's own output buffer: valid until the next call on this encoder, never copied to the Java heap.
 *
 * <p>Not thread-safe: one thread at a time (OpenH264 runs its own slice threads inside {@link #encode}).
 */
public final class OpenH264Encoder implements AutoCloseable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0).asReadOnlyBuffer();

    private final OpenH264Library library;
    private final Pointer encoder;
    private final Function encodeFrame;
    private final Function encodeParameterSets;
    private final Function uninitialize;
    private final Memory picture = new Memory(PICTURE_SIZE);
    private final Memory frameInfo = new Memory(FRAME_INFO_SIZE);
    private final int width;
    private final int height;
    private boolean keyFrame;
    private boolean closed;

    OpenH264Encoder(OpenH264Library library, OpenH264Settings settings) {
        this.library = library;
        this.width = settings.width();
        this.height = settings.height();
        try (Memory handle = new Memory(com.sun.jna.Native.POINTER_SIZE)) {
            if (library.create.invokeInt(new Object[]{handle}) != 0) {
                close(null);
                throw new IllegalStateException(library + " cannot create an encoder");
            }
            encoder = handle.getPointer(0);
        }
        encodeFrame = OpenH264Library.vtableFunction(encoder, VTABLE_ENCODE_FRAME);
        encodeParameterSets = OpenH264Library.vtableFunction(encoder, VTABLE_ENCODE_PARAMETER_SETS);
        uninitialize = OpenH264Library.vtableFunction(encoder, VTABLE_UNINITIALIZE);
        boolean initialized = false;
        try (Memory level = new Memory(4); Memory parameters = new Memory(PARAM_SIZE)) {
            // Quiet: failures come back as return codes; a trace level above it costs a formatted message per slice.
            level.setInt(0, WELS_LOG_QUIET);
            OpenH264Library.vtableFunction(encoder, VTABLE_SET_OPTION).invokeInt(new Object[]{encoder, ENCODER_OPTION_TRACE_LEVEL, level});
            parameters.clear();
            OpenH264Library.vtableFunction(encoder, VTABLE_GET_DEFAULT_PARAMS).invokeInt(new Object[]{encoder, parameters});
            OpenH264Parameters.write(settings, parameters);
            int result = OpenH264Library.vtableFunction(encoder, VTABLE_INITIALIZE_EXT).invokeInt(new Object[]{encoder, parameters});
            if (result != CM_RESULT_SUCCESS) {
                throw new IllegalArgumentException(library + " refused the settings " + settings + " (InitializeExt returned " + result + ")");
            }
            initialized = true;
        } finally {
            if (!initialized) {
                close(encoder); // Uninitialize is a no-op on an encoder never initialised
            }
        }
    }

    /**
     * @return the SPS and PPS, Annex B (start codes), as a view valid until the next call on this encoder
     */
    public ByteBuffer parameterSets() {
        frameInfo.clear();
        check(encodeParameterSets.invokeInt(new Object[]{encoder, frameInfo}), "EncodeParameterSets");
        return layer(0);
    }

    /**
     * Encodes one 4:2:0 picture of the settings' size.
     *
     * @param planes  native addresses of the Y, U and V planes
     * @param strides bytes from one row to the next in each plane, at least its width
     * @return whether a picture came out (always, as frame skipping is off; false only if OpenH264 skipped it)
     */
    public boolean encode(long[] planes, int[] strides) {
        picture.clear();
        picture.setInt(PICTURE_COLOR_FORMAT, VIDEO_FORMAT_I420);
        for (int plane = 0; plane < 3; plane++) {
            picture.setInt(PICTURE_STRIDE + 4L * plane, strides[plane]);
            picture.setPointer(PICTURE_DATA + 8L * plane, new Pointer(planes[plane]));
        }
        picture.setInt(PICTURE_WIDTH, width);
        picture.setInt(PICTURE_HEIGHT, height);
        frameInfo.clear();
        check(encodeFrame.invokeInt(new Object[]{encoder, picture, frameInfo}), "EncodeFrame");
        int type = frameInfo.getInt(FRAME_INFO_FRAME_TYPE);
        keyFrame = type == VIDEO_FRAME_TYPE_IDR;
        return type != VIDEO_FRAME_TYPE_SKIP && type != VIDEO_FRAME_TYPE_INVALID;
    }

    /** @return whether the last picture {@link #encode} made is an IDR picture */
    public boolean keyFrame() {
        return keyFrame;
    }

    /**
     * @return the last picture's slices, Annex B, without the SPS and PPS an IDR picture's first layer repeats
     *         (they are in {@link #parameterSets()}); a view valid until the next call on this encoder
     */
    public ByteBuffer picture() {
        int layers = frameInfo.getInt(FRAME_INFO_LAYER_NUM);
        if (layers < 1 || layers > MAX_LAYER_NUM_OF_FRAME) {
            throw new IllegalStateException("OpenH264 reported " + layers + " layers");
        }
        return layer(layers - 1);
    }

    private ByteBuffer layer(int index) {
        long layer = FRAME_INFO_LAYERS + (long) LAYER_INFO_SIZE * index;
        int nals = frameInfo.getInt(layer + LAYER_INFO_NAL_COUNT);
        Pointer lengths = frameInfo.getPointer(layer + LAYER_INFO_NAL_LENGTHS);
        long size = 0;
        for (int nal = 0; nal < nals; nal++) {
            size += lengths.getInt(4L * nal);
        }
        if (size == 0) {
            return EMPTY;
        }
        return frameInfo.getPointer(layer + LAYER_INFO_BITSTREAM).getByteBuffer(0, size);
    }

    private void check(int result, String call) {
        if (result != CM_RESULT_SUCCESS) {
            throw new IllegalStateException(library + ": " + call + " returned " + result);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            close(encoder);
        }
    }

    private void close(Pointer created) {
        if (created != null) {
            uninitialize.invokeInt(new Object[]{created});
            library.destroy.invokeVoid(new Object[]{created});
        }
        picture.close();
        frameInfo.close();
    }
}
