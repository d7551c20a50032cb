/** Green threads for the JVM: virtual threads scheduled by a hub event loop. */
package io.greening;
