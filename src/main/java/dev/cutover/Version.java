package dev.cutover;
public final class Version { private Version() {} }
