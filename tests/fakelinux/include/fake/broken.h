/* a header that does not compile (as a kernel header may not with a wrong flag): an
   error here is in every probe that includes it, reported through an include chain */
int fake_broken = ;
