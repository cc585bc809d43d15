package io.storycast.media.openh264;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.util.Objects;

import static io.storycast.media.openh264.OpenH264Abi.PARAM_ENABLE_ADAPTIVE_QUANT;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_ENABLE_BACKGROUND_DETECTION;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_IDR_BITRATE_RATIO;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_LTR_MARK_PERIOD;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_MAX_FRAME_RATE;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_MAX_QP;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_MULTIPLE_THREAD_IDC;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_SIZE;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_SPATIAL_LAYER_NUM;
import static io.storycast.media.openh264.OpenH264Abi.PARAM_TEMPORAL_LAYER_NUM;
import static io.storycast.media.openh264.OpenH264Abi.LAYER_FRAME_RATE;
import static io.storycast.media.openh264.OpenH264Abi.LAYER_VIDEO_FORMAT;
import static io.storycast.media.openh264.OpenH264Abi.VF_UNDEF;

/**
 * A system {@code libopenh264} (for instance Debian's {@code libopenh264-7}, built with OpenH264's hand-written
 * SIMD assembly), bound through JNA. The FFmpeg build the transcoder links carries an OpenH264 compiled
 * without that assembly, which spends 3 to 4 times the CPU per picture for the same output (see
 * {@code docs/PERFORMANCE.md}); this binding lets the transcoder encode through the faster one where it is
 * installed.
 *
 * <p>{@link #load} trusts a library only when it is OpenH264 2.3 or later of major version 2 and when the
 * defaults its {@code GetDefaultParams} writes land where {@link OpenH264Abi} expects them: a library whose
 * structs differ from the layout this binding was written for is refused, not misused.
 *
 * <p>Thread-safe: the library is shared; each {@link OpenH264Encoder} is used by one thread at a time.
 */
public final class OpenH264Library {
    /** The soname of OpenH264 2.3 to 2.5's library, found by the dynamic linker's usual search. */
    public static final String DEFAULT_LIBRARY = "libopenh264.so.7";

    private final String name;
    private final String version;
    final Function create;
    final Function destroy;

    private OpenH264Library(String name, NativeLibrary library) {
        this.name = name;
        this.create = library.getFunction("WelsCreateSVCEncoder");
        this.destroy = library.getFunction("WelsDestroySVCEncoder");
        try (Memory parts = new Memory(16)) {
            library.getFunction("WelsGetCodecVersionEx").invokeVoid(new Object[]{parts});
            int major = parts.getInt(0);
            int minor = parts.getInt(4);
            this.version = major + "." + minor + "." + parts.getInt(8);
            if (major != 2 || minor < 3) {
                throw new IllegalStateException(name + " is OpenH264 " + version + "; this binding needs 2.3 or a later 2.x");
            }
        }
        checkLayout();
    }

    /**
     * @param library a soname or path for {@code dlopen}, e.g. {@link #DEFAULT_LIBRARY}
     * @return the library, checked
     * @throws IllegalStateException when it cannot be loaded, is not a 2.x release from 2.3 on, or its structs
     *                               are not laid out as this binding expects; the message says which
     */
    public static OpenH264Library load(String library) {
        Objects.requireNonNull(library, "library");
        NativeLibrary loaded;
        try {
            loaded = NativeLibrary.getInstance(library);
        } catch (LinkageError e) {
            // Also JNA's own native part failing to load (no writable temporary folder to unpack it to): the
            // first attempt throws UnsatisfiedLinkError, later ones NoClassDefFoundError.
            throw new IllegalStateException("cannot load " + library + ": " + e.getMessage(), e);
        }
        try {
            return new OpenH264Library(library, loaded);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException(library + " is not OpenH264 (" + e.getMessage() + ")", e);
        }
    }

    /** @return the name it was loaded by */
    public String name() {
        return name;
    }

    /** @return its version, {@code major.minor.revision} */
    public String version() {
        return version;
    }

    /** @return a new encoder; the caller closes it */
    public OpenH264Encoder newEncoder(OpenH264Settings settings) {
        return new OpenH264Encoder(this, settings);
    }

    /** Checks that {@code GetDefaultParams} writes OpenH264's documented defaults at {@link OpenH264Abi}'s offsets. */
    private void checkLayout() {
        try (Memory handle = new Memory(com.sun.jna.Native.POINTER_SIZE); Memory parameters = new Memory(PARAM_SIZE + 64)) {
            if (create.invokeInt(new Object[]{handle}) != 0) {
                throw new IllegalStateException(name + " cannot create an encoder");
            }
            Pointer encoder = handle.getPointer(0);
            try {
                parameters.setMemory(0, parameters.size(), (byte) 0x5a); // no default is 0x5a5a5a5a
                vtableFunction(encoder, OpenH264Abi.VTABLE_GET_DEFAULT_PARAMS).invokeInt(new Object[]{encoder, parameters});
                boolean expected = parameters.getFloat(PARAM_MAX_FRAME_RATE) == 60f
                        && parameters.getInt(PARAM_TEMPORAL_LAYER_NUM) == 1
                        && parameters.getInt(PARAM_SPATIAL_LAYER_NUM) == 1
                        && parameters.getFloat(LAYER_FRAME_RATE) == 60f
                        && parameters.getByte(LAYER_VIDEO_FORMAT) == VF_UNDEF
                        && parameters.getInt(PARAM_MAX_QP) == 51
                        && parameters.getInt(PARAM_LTR_MARK_PERIOD) == 30
                        && parameters.getShort(PARAM_MULTIPLE_THREAD_IDC) == 1
                        && parameters.getByte(PARAM_ENABLE_BACKGROUND_DETECTION) == 1
                        && parameters.getByte(PARAM_ENABLE_ADAPTIVE_QUANT) == 1
                        && parameters.getInt(PARAM_IDR_BITRATE_RATIO) == 400
                        && parameters.getByte(PARAM_SIZE) == 0x5a; // nothing written past the struct's end
                if (!expected) {
                    throw new IllegalStateException(name + " (OpenH264 " + version + ") lays out SEncParamExt differently"
                            + " from the 2.3 headers this binding was written for");
                }
            } finally {
                destroy.invokeVoid(new Object[]{encoder});
            }
        }
    }

    /** @return the function at {@code offset} bytes into the function table of {@code encoder} (an {@code ISVCEncoder*}) */
    static Function vtableFunction(Pointer encoder, int offset) {
        return Function.getFunction(encoder.getPointer(0).getPointer(offset));
    }

    @Override
    public String toString() {
        return name + " (OpenH264 " + version + ")";
    }
}
