package io.vigil.common;

/**
 * A failure that may go away by itself: a broker that is restarting, a network blip, a full
 * buffer. Callers retry these with backoff; everything else is fatal and is surfaced to the user.
 */
public class RetriableVigilException extends VigilException {
  private static final long serialVersionUID = 1L;

  public RetriableVigilException(String what, String why, String fix, Throwable cause) {
    super(what, why, fix, cause);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
