/**
 * Python's greenlet on greening's hub: {@link io.greening.greenlet.Greenlet}, coroutines that switch explicitly.
 */
package io.greening.greenlet;
