package io.angler.cli;

import io.angler.core.placement.PlacementMode;
import picocli.CommandLine;

/** Lets picocli report a bad --mode with the list of valid ones. */
final class ModeConverter implements CommandLine.ITypeConverter<PlacementMode> {
    @Override
    public PlacementMode convert(String value) {
        try {
            return PlacementMode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
