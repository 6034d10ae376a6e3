import { startTransition, type FormEvent } from "react";

/**
 * An onSubmit for forms whose action is a useActionState dispatch. React resets a form after its
 * action runs, which would wipe what the user typed when the server answers with an error; this
 * dispatches inside a transition instead, so values stay and useFormStatus still reports pending.
 * Keep `action={dispatch}` on the form too: it is what runs before hydration.
 */
export function keepValuesOnSubmit(dispatch: (form: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(form));
  };
}
