package io.angler.node.config;

/** A configuration file is unreadable or invalid; the message names the file, the field and the value. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
